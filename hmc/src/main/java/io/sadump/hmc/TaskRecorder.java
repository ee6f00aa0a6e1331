package io.sadump.hmc;

/**
 * Where the tasks run on a machine are recorded: the HMC's audit log ({@code io.sadump.hmc.security.AuditLog}).
 * A task whose record cannot be written fails (the recorder throws), so nothing runs unrecorded.
 */
public interface TaskRecorder {
    /** Records nothing: for machines that are not the HMC's (the demo's scratch machine). */
    TaskRecorder NONE = r -> {};

    void record(TaskRecord record);
}
