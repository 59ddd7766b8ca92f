using System.Security.Cryptography;
using System.Text;
using FastMail.Accounts;

namespace FastMail.Tests.Accounts;

public sealed class ApopTests : IDisposable
{
    // RFC 1939 section 7 example: timestamp and secret "tanstaaf" give this digest.
    private const string Timestamp = "<1896.697170952@dbc.mtview.ca.us>";
    private const string RfcDigest = "c4c9334bac560ecc979e58001b3e22fb";

    private readonly TempDirectory _dir = new("accounts");
    private readonly AccountDirectory _directory;

    public ApopTests()
    {
        var admin = new AccountAdmin(_dir.AccountsOptions());
        admin.AddUser("mrose", "password");
        admin.SetApopSecret("mrose", "tanstaaf");
        admin.AddUser("plain", "password");
        _directory = new AccountDirectory(_dir.AccountsOptions());
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TheRfc1939ExampleDigestLogsIn()
    {
        Assert.True(_directory.TryApop("mrose"u8, Encoding.ASCII.GetBytes(Timestamp), Encoding.ASCII.GetBytes(RfcDigest), out var mailbox));
        Assert.Equal("mrose", mailbox);
        Assert.True(_directory.TryFindMailbox("mrose"u8, out var canonical));
        Assert.Same(canonical, mailbox);
    }

    [Fact]
    public void UpperCaseHexAndUpperCaseUserAreAccepted()
    {
        Assert.True(_directory.TryApop("MROSE"u8, Encoding.ASCII.GetBytes(Timestamp), Encoding.ASCII.GetBytes(RfcDigest.ToUpperInvariant()), out _));
    }

    [Theory]
    [InlineData("mrose", "<1896.697170953@dbc.mtview.ca.us>", RfcDigest)]
    [InlineData("mrose", Timestamp, "c4c9334bac560ecc979e58001b3e22fc")]
    [InlineData("mrose", Timestamp, "c4c9334bac560ecc979e58001b3e22f")]
    [InlineData("mrose", Timestamp, "")]
    [InlineData("mrose", Timestamp, "zzc9334bac560ecc979e58001b3e22fb")]
    [InlineData("nobody", Timestamp, RfcDigest)]
    [InlineData("mrose@elsewhere.test", Timestamp, RfcDigest)]
    public void AWrongDigestTimestampOrUserFails(string user, string timestamp, string digest)
    {
        Assert.False(_directory.TryApop(Encoding.ASCII.GetBytes(user), Encoding.ASCII.GetBytes(timestamp), Encoding.ASCII.GetBytes(digest), out var mailbox));
        Assert.Null(mailbox);
    }

    [Fact]
    public void AUserWithoutAnApopSecretAlwaysFails()
    {
        // Even the digest of the password itself does not work: APOP is off unless a secret was set.
#pragma warning disable CA5351 // RFC 1939 APOP is defined on MD5
        var digest = Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(Timestamp + "password")));
#pragma warning restore CA5351

        Assert.False(_directory.TryApop("plain"u8, Encoding.ASCII.GetBytes(Timestamp), Encoding.ASCII.GetBytes(digest), out _));
    }

    [Fact]
    public void AnOverlongTimestampFailsWithoutThrowing()
    {
        Assert.False(_directory.TryApop("mrose"u8, new byte[100_000], Encoding.ASCII.GetBytes(RfcDigest), out _));
    }
}
