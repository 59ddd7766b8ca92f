using System.Security.Cryptography;
using System.Text;
using FastMail.Core.IO;
using FastMail.Storage.Backup;

namespace FastMail.Tests.Storage.Backup;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BackupManifestTests : IDisposable
{
    private readonly TempDirectory _temp = new("manifest");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task WrittenManifestReadsBackAndVerifiesEveryFile()
    {
        var source = _temp.File("source.bin");
        var content = RandomNumberGenerator.GetBytes(5000);
        await File.WriteAllBytesAsync(source, content);
        var writer = BackupWriter.Create(_temp.File("backup"));

        await writer.CopyAsync(source, "whole.bin", length: null, padTo: 0, CancellationToken.None);
        await writer.CopyAsync(source, "sub/prefix.bin", length: 1000, padTo: 512, CancellationToken.None);
        var created = new DateTimeOffset(2026, 12, 6, 20, 0, 0, TimeSpan.Zero);
        writer.Complete("1.2.3", created, 64, 4096);

        var manifest = BackupManifest.Read(writer.Directory);
        Assert.Equal(BackupManifest.CurrentFormatVersion, manifest.FormatVersion);
        Assert.Equal("1.2.3", manifest.FastMailVersion);
        Assert.Equal(created, manifest.CreatedUtc);
        Assert.Equal(64, manifest.LogBeginAddress);
        Assert.Equal(4096, manifest.LogCommittedAddress);
        Assert.Equal(["whole.bin", "sub/prefix.bin"], manifest.Files.Select(f => f.Path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), manifest.Files[0].Sha256);

        // The prefix is the first 1000 bytes, then zeros up to the next 512-byte boundary.
        var expected = content.AsSpan(0, 1000).ToArray().Concat(new byte[24]).ToArray();
        Assert.Equal(1024, manifest.Files[1].Size);
        Assert.Equal(expected, await File.ReadAllBytesAsync(Path.Combine(writer.Directory, "sub", "prefix.bin")));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected)), manifest.Files[1].Sha256);
        manifest.Verify(writer.Directory);
    }

    [Fact]
    public async Task BackupIsOwnerOnly()
    {
        var source = _temp.File("source.bin");
        await File.WriteAllTextAsync(source, "secret");
        var writer = BackupWriter.Create(_temp.File("backup"));
        await writer.CopyAsync(source, "a/b.bin", null, 0, CancellationToken.None);
        writer.Complete("1", DateTimeOffset.UtcNow, 0, 0);

        Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(writer.Directory));
        Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(Path.Combine(writer.Directory, "a")));
        Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(Path.Combine(writer.Directory, "a", "b.bin")));
        Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(Path.Combine(writer.Directory, BackupManifest.FileName)));
    }

    [Fact]
    public async Task VerifyRejectsAFlippedByte()
    {
        var directory = await WriteBackupAsync();
        var path = Path.Combine(directory, "data.bin");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[7] ^= 1;
        await File.WriteAllBytesAsync(path, bytes);

        var error = Assert.Throws<BackupInvalidException>(() => BackupManifest.Read(directory).Verify(directory));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyRejectsAMissingOrShortenedFile()
    {
        var directory = await WriteBackupAsync();
        var path = Path.Combine(directory, "data.bin");
        await File.WriteAllBytesAsync(path, (await File.ReadAllBytesAsync(path))[..10]);
        Assert.Contains("bytes", Assert.Throws<BackupInvalidException>(() => BackupManifest.Read(directory).Verify(directory)).Message, StringComparison.Ordinal);

        File.Delete(path);
        Assert.Contains("missing", Assert.Throws<BackupInvalidException>(() => BackupManifest.Read(directory).Verify(directory)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("a//b")]
    [InlineData("")]
    public async Task ReadRejectsAPathOutsideTheBackup(string path)
    {
        var directory = await WriteBackupAsync();
        Rewrite(directory, "\"data.bin\"", JsonString(path));

        Assert.Contains("outside", Assert.Throws<BackupInvalidException>(() => BackupManifest.Read(directory)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadRejectsAnotherFormatVersionAndDamagedJson()
    {
        var directory = await WriteBackupAsync();
        Rewrite(directory, "\"formatVersion\": 1", "\"formatVersion\": 99");
        Assert.Contains("format version 99", Assert.Throws<BackupInvalidException>(() => BackupManifest.Read(directory)).Message, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(directory, BackupManifest.FileName), "{ not json");
        Assert.Contains("damaged", Assert.Throws<BackupInvalidException>(() => BackupManifest.Read(directory)).Message, StringComparison.Ordinal);

        File.Delete(Path.Combine(directory, BackupManifest.FileName));
        Assert.Contains("not a fastmail backup", Assert.Throws<BackupInvalidException>(() => BackupManifest.Read(directory)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriterRefusesANonEmptyDirectory()
    {
        var directory = _temp.File("full");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "other"), "x");

        Assert.Throws<IOException>(() => BackupWriter.Create(directory));
    }

    private async Task<string> WriteBackupAsync()
    {
        var source = _temp.File("data.src");
        await File.WriteAllBytesAsync(source, Encoding.ASCII.GetBytes("some mail log bytes, enough to flip one"));
        var writer = BackupWriter.Create(_temp.File("backup"));
        await writer.CopyAsync(source, "data.bin", null, 0, CancellationToken.None);
        writer.Complete("1", DateTimeOffset.UtcNow, 0, 0);
        return writer.Directory;
    }

    private static void Rewrite(string directory, string from, string to)
    {
        var path = Path.Combine(directory, BackupManifest.FileName);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value, FastMail.Tests.Storage.Backup.TestJson.Default.String);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
