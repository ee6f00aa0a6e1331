package io.sadump.machine;

/**
 * A device attached to the machine at a device number.
 *
 * @param capacity cylinders for a DASD, bytes of cartridge capacity for a tape
 */
public record AttachedDevice(DeviceNumber number, DeviceType type, long capacity) {
    public AttachedDevice {
        if (number == null || type == null) {
            throw new IllegalArgumentException("a device needs a device number and a type");
        }
        if (capacity <= 0) {
            throw new InvalidValueException("device " + number + " needs a positive "
                    + (type == DeviceType.DASD_3390 ? "number of cylinders" : "capacity") + ", got " + capacity);
        }
    }

    /** The device types sadump models. */
    public enum DeviceType {
        /** IBM 3390 ECKD DASD on a Hercules CKD image. */
        DASD_3390("3390", "3390"),
        /** IBM 3480/3490 tape on an AWSTAPE image. */
        TAPE_3490("3490", "aws");

        private final String model;
        private final String imageSuffix;

        DeviceType(String model, String imageSuffix) {
            this.model = model;
            this.imageSuffix = imageSuffix;
        }

        public String model() {
            return model;
        }

        /** File name suffix of the device image: {@code 3390} or {@code aws}. */
        public String imageSuffix() {
            return imageSuffix;
        }

        public static DeviceType ofModel(String model) {
            for (DeviceType t : values()) {
                if (t.model.equals(model)) {
                    return t;
                }
            }
            throw new InvalidValueException("unknown device model '" + model + "' (3390 or 3490)");
        }
    }

    /** The image file name: {@code 0.0.0190.3390} or {@code 0.0.0181.aws}. */
    public String imageName() {
        return number + "." + type.imageSuffix();
    }
}
