// Attaches a 3390 of CYLINDERS cylinders at DEVNO to the machine in DIR (the CLI has no attach
// command), for bench/dump-bench.sh.
// Run: java -cp sadump-cli/target/sadump.jar bench/AttachDasd.java DIR DEVNO CYLINDERS
import io.sadump.device.AttachedDevices;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.nio.file.Path;

public class AttachDasd {
    public static void main(String[] args) throws Exception {
        MachineDirectory machine = MachineDirectory.open(Path.of(args[0]));
        DeviceNumber number = DeviceNumber.parse(args[1]);
        try (MachineLock lock = machine.lock()) {
            Path image = AttachedDevices.attach(machine, lock,
                    new AttachedDevice(number, AttachedDevice.DeviceType.DASD_3390, Long.parseLong(args[2])));
            System.out.println(image);
        }
    }
}
