package io.sadump.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sadump archive}: keep a dump safe in a tar with digests and an optional signature. */
@Command(
        name = "archive",
        header = "Archive dumps, local or S3 (tar, SHA256SUMS, signature); verify.",
        mixinStandardHelpOptions = true,
        description = {
            "Archive a dump: a standard tar (zstd, xz, gzip or none) holding the dump,",
            "an info.json with the zgetdump -i facts, a SHA256SUMS that 'sha256sum -c'",
            "accepts and, with a key, a detached CMS signature that 'openssl cms",
            "-verify' accepts. 'verify' checks every byte; 'extract' also refuses",
            "entries that would escape the target directory.",
            "",
            "An archive NAME may be s3://BUCKET/KEY: create uploads while it compresses,",
            "verify and extract stream from the store; 'gc' aborts uploads that never",
            "completed. Credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or",
            "a profile; --endpoint and --path-style reach S3-compatible stores."
        },
        subcommands = {ArchiveCreateCommand.class, ArchiveVerifyCommand.class, ArchiveExtractCommand.class,
            ArchiveGcCommand.class, CommandLine.HelpCommand.class},
        footer = {
            "",
            "Examples:",
            "  sadump archive create sys1/devices/0.0.0190.3390 -o dump.tar.zst",
            "  sadump archive create dump.elf -o dump.tar.xz --compress xz --format asis",
            "  sadump archive create dump.s390 -o d.tar.zst --sign key.pem --cert cert.pem",
            "  sadump archive verify d.tar.zst --cert cert.pem",
            "  sadump archive extract d.tar.zst -o restored/",
            "  sadump archive create dump.elf -o s3://dumps/d.tar.zst --endpoint http://minio:9000 --path-style",
            "  sadump archive verify s3://dumps/d.tar.zst",
            "  sadump archive gc s3://dumps --older-than 24h --dry-run",
        })
final class ArchiveCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: create, verify, extract or gc");
    }
}
