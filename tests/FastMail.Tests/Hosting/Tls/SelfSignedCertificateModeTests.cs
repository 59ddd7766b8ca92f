using FastMail.Hosting.Tls;
using Microsoft.Extensions.Logging.Abstractions;

#pragma warning disable CA1416 // FastMail ships for Linux; these tests check Unix file modes

namespace FastMail.Tests.Hosting.Tls;

/// <summary>
/// The self-signed certificate's directory and files are owner-only whatever the umask (the umask is process-wide:
/// these tests run alone, in the <see cref="ProcessUmaskCollection"/>).
/// </summary>
[Collection(ProcessUmaskCollection.Name)]
public sealed class SelfSignedCertificateModeTests : IDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempDirectory _dir = new("tls-mode");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void UnderUmask000TheTlsDirectoryIs0700AndTheCertificateAndKeyAre0600()
    {
        using (ProcessUmask.Permissive())
        using (CertificateProvider.Load(null, null, _dir.Path, "localhost", NullLogger.Instance))
        {
        }

        var (certificatePath, keyPath) = CertificateProvider.SelfSignedPaths(_dir.Path);
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(keyPath)!));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(keyPath));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(certificatePath));
    }

    [Fact]
    public void AnOlderInstallsWorldReadableCertificateAndDirectoryAreMadeOwnerOnlyAtStart()
    {
        using (CertificateProvider.Load(null, null, _dir.Path, "localhost", NullLogger.Instance))
        {
        }

        var (certificatePath, keyPath) = CertificateProvider.SelfSignedPaths(_dir.Path);
        var everyone = OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(Path.GetDirectoryName(keyPath)!, everyone);
        File.SetUnixFileMode(certificatePath, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using (CertificateProvider.Load(null, null, _dir.Path, "localhost", NullLogger.Instance))
        {
        }

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(keyPath)!));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(certificatePath));
    }
}
