package io.sadump.campaign.assertions;

import io.sadump.campaign.ObservedLoad;

/** Entry point of sadump's fluent assertions: {@code import static ...SadumpAssertions.assertThat;}. */
public final class SadumpAssertions {
    private SadumpAssertions() {}

    /** Assertions on a load run by {@link io.sadump.campaign.HmcLoad}. */
    public static LoadAssert assertThat(ObservedLoad load) {
        return new LoadAssert(load);
    }
}
