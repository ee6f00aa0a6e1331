package io.sadump.campaign;

import io.sadump.fixtures.Corruption;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.Sizes;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One scenario of a campaign: a fresh system of {@code storageSize}, one injection of {@code kind} drawn
 * with {@code seed} (the kind's injector picks the location and the bit from it), then the HMC load.
 *
 * <p>Its {@link #id()} holds everything needed to run it again: {@code 64M:segment-bitflip-kernel:
 * 5c1e0f6b2a9d4e31} (storage size, kind, injection seed in hex); {@code sadump campaign --replay ID}
 * parses it with {@link #parse}.
 *
 * @param index its place in the campaign (0 for a replay)
 */
public record Scenario(int index, long storageSize, Corruption kind, long seed) {
    public Scenario {
        Objects.requireNonNull(kind, "kind");
    }

    /** Scenario {@code index} of the campaign with {@code campaignSeed}, drawing the kind from {@code kinds}. */
    public static Scenario draw(long campaignSeed, int index, List<Corruption> kinds, long storageSize) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("a campaign needs at least one injection kind");
        }
        // Each scenario has a stream of its own, so its draw depends on (seed, index) only, not on the
        // order in which parallel workers run scenarios.
        SplittableRandom rnd = new SplittableRandom(campaignSeed ^ (0x9E37_79B9_7F4A_7C15L * (index + 1L)));
        Corruption kind = kinds.get(rnd.nextInt(kinds.size()));
        return new Scenario(index, storageSize, kind, rnd.nextLong());
    }

    /** {@code 64M:segment-bitflip-kernel:5c1e0f6b2a9d4e31}. */
    public String id() {
        return Sizes.format(storageSize) + ":" + kind.kindName() + ":" + HexFormat.of().toHexDigits(seed);
    }

    /**
     * The scenario an {@link #id()} names.
     *
     * @throws InvalidValueException naming what is wrong with the text
     */
    public static Scenario parse(String id) {
        String[] parts = id.trim().split(":");
        if (parts.length != 3) {
            throw new InvalidValueException("a scenario ID is SIZE:KIND:SEED, like 64M:segment-bitflip-kernel:"
                    + "5c1e0f6b2a9d4e31; got '" + id + "'");
        }
        long size = Sizes.parse(parts[0]);
        Corruption kind = Corruption.byName(parts[1]);
        if (!parts[2].matches("[0-9a-fA-F]{1,16}")) {
            throw new InvalidValueException("the seed of scenario '" + id + "' is not 1 to 16 hex digits: '"
                    + parts[2] + "'");
        }
        return new Scenario(0, size, kind, Long.parseUnsignedLong(parts[2], 16));
    }
}
