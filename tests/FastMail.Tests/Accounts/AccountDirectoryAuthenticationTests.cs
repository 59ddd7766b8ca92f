using System.Text;
using FastMail.Accounts;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Accounts;

public sealed class AccountDirectoryAuthenticationTests : IDisposable
{
    private readonly TempDirectory _dir = new("accounts");
    private readonly AccountAdmin _admin;
    private readonly ManualClock _time = new();

    public AccountDirectoryAuthenticationTests()
    {
        _admin = new AccountAdmin(_dir.AccountsOptions());
        _admin.AddUser("motriles", "Secret 1");
        _admin.AddDomain("other.test");
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("motriles")]
    [InlineData("MOTRILES")]
    [InlineData("motriles@example.com")]
    [InlineData("MoTriles@EXAMPLE.COM")]
    [InlineData("motriles@other.test")]
    public async Task AuthenticateAcceptsTheNameOrTheNameAtAnyLocalDomainInAnyCase(string user)
    {
        var directory = NewDirectory();

        var mailbox = await Authenticate(directory, user, "Secret 1");

        Assert.Equal("motriles", mailbox);
        Assert.True(directory.TryFindMailbox("motriles"u8, out var canonical));
        Assert.Same(canonical, mailbox);
    }

    [Theory]
    [InlineData("motriles", "secret 1")]
    [InlineData("motriles", "Secret 1 ")]
    [InlineData("motriles", "")]
    [InlineData("motriles@elsewhere.test", "Secret 1")]
    [InlineData("motriles@", "Secret 1")]
    [InlineData("nobody", "Secret 1")]
    [InlineData("nobody@example.com", "Secret 1")]
    [InlineData("", "Secret 1")]
    [InlineData("motriles\u00e9", "Secret 1")]
    public async Task AuthenticateFailsForWrongPasswordsNonLocalDomainsAndUnknownUsers(string user, string password)
    {
        var directory = NewDirectory();

        Assert.Null(await Authenticate(directory, user, password));
    }

    [Fact]
    public async Task AuthenticateHonoursCancellation()
    {
        var directory = NewDirectory();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => directory.AuthenticateAsync("motriles"u8.ToArray(), "Secret 1"u8.ToArray(), new CancellationToken(canceled: true)).AsTask());
    }

    [Fact]
    public async Task ARepeatedSuccessfulLoginIsAnsweredFromTheCache()
    {
        var directory = NewDirectory();

        Assert.Equal("motriles", await Authenticate(directory, "motriles", "Secret 1"));
        Assert.Equal(0, directory.AuthCacheHits);
        Assert.Equal("motriles", await Authenticate(directory, "MOTRILES@example.com", "Secret 1"));
        Assert.Equal(1, directory.AuthCacheHits);
    }

    [Fact]
    public async Task AWrongPasswordIsNeverAnsweredFromTheCache()
    {
        var directory = NewDirectory();
        await Authenticate(directory, "motriles", "Secret 1");

        Assert.Null(await Authenticate(directory, "motriles", "Secret 2"));
        Assert.Equal(0, directory.AuthCacheHits);
    }

    [Fact]
    public async Task APasswordChangeInvalidatesTheCachedLogin()
    {
        var directory = NewDirectory();
        await Authenticate(directory, "motriles", "Secret 1");

        _admin.SetPassword("motriles", "Secret 2");
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await Authenticate(directory, "motriles", "Secret 1"));
        Assert.Equal("motriles", await Authenticate(directory, "motriles", "Secret 2"));
        Assert.Equal(0, directory.AuthCacheHits);
    }

    [Fact]
    public async Task ADeletedUserCannotLogInWithACachedPassword()
    {
        var directory = NewDirectory();
        await Authenticate(directory, "motriles", "Secret 1");

        _admin.DeleteUser("motriles");
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await Authenticate(directory, "motriles", "Secret 1"));
    }

    [Fact]
    public async Task ACachedLoginExpiresAfterTheTtl()
    {
        var directory = NewDirectory(o => o.AuthCacheTtl = TimeSpan.FromMinutes(5));
        await Authenticate(directory, "motriles", "Secret 1");

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal("motriles", await Authenticate(directory, "motriles", "Secret 1"));
        Assert.Equal(0, directory.AuthCacheHits);
        Assert.Equal("motriles", await Authenticate(directory, "motriles", "Secret 1"));
        Assert.Equal(1, directory.AuthCacheHits);
    }

    [Fact]
    public async Task AZeroTtlTurnsTheCacheOff()
    {
        var directory = NewDirectory(o => o.AuthCacheTtl = TimeSpan.Zero);

        await Authenticate(directory, "motriles", "Secret 1");
        await Authenticate(directory, "motriles", "Secret 1");

        Assert.Equal(0, directory.AuthCacheHits);
    }

    [Fact]
    public async Task AFullCacheStillAuthenticatesButDoesNotRemember()
    {
        _admin.AddUser("bob", "pw");
        var directory = NewDirectory(o => o.AuthCacheSize = 1);

        Assert.Equal("motriles", await Authenticate(directory, "motriles", "Secret 1"));
        Assert.Equal("bob", await Authenticate(directory, "bob", "pw"));
        Assert.Equal("bob", await Authenticate(directory, "bob", "pw"));
        Assert.Equal(0, directory.AuthCacheHits);
        Assert.Equal("motriles", await Authenticate(directory, "motriles", "Secret 1"));
        Assert.Equal(1, directory.AuthCacheHits);
    }

    [Fact]
    public async Task ExpiredEntriesMakeRoomInAFullCache()
    {
        _admin.AddUser("bob", "pw");
        var directory = NewDirectory(o => o.AuthCacheSize = 1);
        await Authenticate(directory, "motriles", "Secret 1");

        _time.Advance(TimeSpan.FromMinutes(6));
        await Authenticate(directory, "bob", "pw");
        await Authenticate(directory, "bob", "pw");

        Assert.Equal(1, directory.AuthCacheHits);
    }

    [Fact]
    public async Task ExistingHashesKeepTheirOwnIterationCount()
    {
        // Created with 1000 iterations; the server now makes new hashes with 2000 and still verifies the old one.
        var directory = NewDirectory(o => o.Pbkdf2Iterations = 2000);

        Assert.Equal("motriles", await Authenticate(directory, "motriles", "Secret 1"));
    }

    [Fact]
    public async Task NonAsciiPasswordsAreComparedAsUtf8()
    {
        _admin.AddUser("jose", "contraseña");
        var directory = NewDirectory();

        Assert.Equal("jose", await Authenticate(directory, "jose", "contraseña"));
        Assert.Null(await Authenticate(directory, "jose", "contrasena"));
    }

    private AccountDirectory NewDirectory(Action<AccountsOptions>? configure = null) =>
        new(_dir.AccountsOptions(o =>
        {
            o.ReloadCheckInterval = TimeSpan.FromSeconds(1);
            configure?.Invoke(o);
        }), null, _time);

    private static async Task<string?> Authenticate(AccountDirectory directory, string user, string password) =>
        await directory.AuthenticateAsync(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(password), CancellationToken.None);
}
