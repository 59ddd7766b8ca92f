using FastMail.Accounts;

namespace FastMail.Tests.Accounts;

public sealed class AccountDirectoryLookupTests : IDisposable
{
    private readonly TempDirectory _dir = new("accounts");
    private readonly AccountAdmin _admin;

    public AccountDirectoryLookupTests()
    {
        _admin = new AccountAdmin(_dir.AccountsOptions());
        _admin.AddUser("motriles", "pw");
        _admin.AddUser("john.smith", "pw");
        _admin.AddDomain("other.test");
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("motriles")]
    [InlineData("MOTRILES")]
    [InlineData("MoTriLes")]
    public void TryFindMailboxIsCaseInsensitiveAndReturnsTheSameInstance(string localPart)
    {
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.True(directory.TryFindMailbox(System.Text.Encoding.ASCII.GetBytes(localPart), out var first));
        Assert.True(directory.TryFindMailbox("motriles"u8, out var second));
        Assert.Equal("motriles", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void PostmasterMailGoesToTheConfiguredAccountElseOneNamedPostmasterElseTheOldest()
    {
        // Default: no account named postmaster, so the oldest account (the first added) takes it.
        Assert.True(new AccountDirectory(_dir.AccountsOptions()).TryFindPostmaster(out var oldest));
        Assert.Equal("motriles", oldest);

        var configured = _dir.AccountsOptions();
        configured.Postmaster = "John.Smith";
        Assert.True(new AccountDirectory(configured).TryFindPostmaster(out var chosen));
        Assert.Equal("john.smith", chosen);

        _admin.AddUser("postmaster", "pw");
        Assert.True(new AccountDirectory(_dir.AccountsOptions()).TryFindPostmaster(out var own));
        Assert.Equal("postmaster", own);

        // A configured name that is not an account falls back the same way.
        var missing = _dir.AccountsOptions();
        missing.Postmaster = "nobody";
        Assert.True(new AccountDirectory(missing).TryFindPostmaster(out var fallback));
        Assert.Equal("postmaster", fallback);
    }

    [Fact]
    public void WithoutAnyAccountNobodyTakesPostmasterMail()
    {
        using var empty = new TempDirectory("accounts-empty");
        Assert.False(new AccountDirectory(empty.AccountsOptions()).TryFindPostmaster(out var mailbox));
        Assert.Null(mailbox);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nobody")]
    [InlineData("motriles@example.com")]
    [InlineData("motriles ")]
    public void TryFindMailboxFailsForUnknownOrMalformedLocalParts(string localPart)
    {
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.False(directory.TryFindMailbox(System.Text.Encoding.ASCII.GetBytes(localPart), out var mailbox));
        Assert.Null(mailbox);
    }

    [Fact]
    public void TryFindMailboxRejectsNonAsciiAndOverlongInput()
    {
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.False(directory.TryFindMailbox("motril\u00e9s"u8, out _));
        Assert.False(directory.TryFindMailbox([0x6d, 0xff], out _));
        Assert.False(directory.TryFindMailbox(System.Text.Encoding.ASCII.GetBytes(new string('a', 65)), out _));
        Assert.False(directory.TryFindMailbox(new byte[100_000], out _));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("EXAMPLE.COM")]
    [InlineData("Other.Test")]
    public void IsLocalDomainIsCaseInsensitiveAndIncludesThePrimaryDomain(string domain)
    {
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.True(directory.IsLocalDomain(System.Text.Encoding.ASCII.GetBytes(domain)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("example.org")]
    [InlineData("sub.example.com")]
    [InlineData("example.com.evil")]
    public void IsLocalDomainIsFalseForOtherDomains(string domain)
    {
        var directory = new AccountDirectory(_dir.AccountsOptions());

        Assert.False(directory.IsLocalDomain(System.Text.Encoding.ASCII.GetBytes(domain)));
        Assert.False(directory.IsLocalDomain(new byte[10_000]));
        Assert.False(directory.IsLocalDomain("ex\u00e4mple.com"u8));
    }

    [Fact]
    public void ThePrimaryDomainIsLocalWithoutAnyFile()
    {
        using var empty = new TempDirectory("accounts");
        var directory = new AccountDirectory(empty.AccountsOptions(o => o.PrimaryDomain = "Mail.Example.NET"));

        Assert.Equal("mail.example.net", directory.PrimaryDomain);
        Assert.True(directory.IsLocalDomain("mail.example.net"u8));
        Assert.False(directory.TryFindMailbox("anyone"u8, out _));
    }

    [Fact]
    public void LookupsDoNotAllocate()
    {
        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.ReloadCheckInterval = TimeSpan.FromHours(1)));
        directory.TryFindMailbox("MOTRILES"u8, out _);
        directory.IsLocalDomain("OTHER.TEST"u8);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            directory.TryFindMailbox("MOTRILES"u8, out _);
            directory.TryFindMailbox("nobody"u8, out _);
            directory.IsLocalDomain("OTHER.TEST"u8);
            directory.IsLocalDomain("elsewhere.test"u8);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ACorruptFileAtStartIsAClearError()
    {
        File.WriteAllText(_dir.AccountsFile, "{ \"version\": 1, \"users\": [");

        var ex = Assert.Throws<AccountsFileException>(() => new AccountDirectory(_dir.AccountsOptions()));

        Assert.Contains(_dir.AccountsFile, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadTrustedNetworksAreRefusedNamingTheEntry()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AccountDirectory(_dir.AccountsOptions(o => o.TrustedNetworks = ["10.0.0.0/8", "10.0.0.1/33"])));

        Assert.Contains("10.0.0.1/33", ex.Message, StringComparison.Ordinal);
    }
}
