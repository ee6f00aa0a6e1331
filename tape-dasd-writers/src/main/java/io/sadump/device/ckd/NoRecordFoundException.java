package io.sadump.device.ckd;

import io.sadump.device.DeviceException;

/** Unit check, sense "no record found": the searched record is not on the track. */
public class NoRecordFoundException extends DeviceException {
    private static final long serialVersionUID = 1L;

    private final Cchhr record;

    public NoRecordFoundException(String device, Cchhr record, String detail) {
        super(device, "no record found: " + record + (detail.isEmpty() ? "" : " (" + detail + ")"));
        this.record = record;
    }

    public Cchhr record() {
        return record;
    }
}
