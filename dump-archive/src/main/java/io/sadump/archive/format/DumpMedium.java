package io.sadump.archive.format;

import io.sadump.device.ckd.CkdDeviceHeader;
import java.nio.charset.StandardCharsets;

/**
 * What holds a dump's bytes: a plain file (the dump starts at byte 0), a Hercules 3390 CKD image (the
 * dump starts in the dump partition zipl prepared), or an AWSTAPE image (the dump is the tape file
 * after the dump tool's). A format's {@link DumpFormatDescriptor#matches} is asked about the dump's
 * first bytes on its medium.
 */
public enum DumpMedium {
    FILE("file"),
    CKD_IMAGE("3390 CKD image"),
    AWS_TAPE("AWSTAPE image");

    private final String label;

    DumpMedium(String label) {
        this.label = label;
    }

    /** What {@code zgetdump -i} and info.json call the medium. */
    public String label() {
        return label;
    }

    /** The label for {@code count} media of this kind ("3390 CKD images"). */
    public String label(int count) {
        return count == 1 ? label : label + "s";
    }

    /** Whether a file starts with the device header of a Hercules CKD image (docs/formats.md §6.1). */
    public static boolean isCkdImage(byte[] head, int length) {
        if (length < 8) {
            return false;
        }
        String devid = new String(head, 0, 8, StandardCharsets.ISO_8859_1);
        return devid.equals(CkdDeviceHeader.DEVID_PLAIN) || devid.equals(CkdDeviceHeader.DEVID_PLAIN_64)
                || devid.equals(CkdDeviceHeader.DEVID_COMPRESSED) || devid.equals(CkdDeviceHeader.DEVID_SHADOW);
    }
}
