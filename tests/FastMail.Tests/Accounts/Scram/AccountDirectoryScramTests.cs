using FastMail.Accounts;
using FastMail.Core.Sasl;
using FastMail.Tests.Sasl;
using static FastMail.Tests.Sasl.SaslWire;

namespace FastMail.Tests.Accounts.Scram;

public sealed class AccountDirectoryScramTests : IDisposable
{
    private readonly TempDirectory _dir = new("accounts");
    private readonly AccountAdmin _admin;

    public AccountDirectoryScramTests()
    {
        _admin = new AccountAdmin(_dir.AccountsOptions(o => o.Pbkdf2Iterations = 4096));
        _admin.AddUser("motriles", "Secret 1");
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("motriles")]
    [InlineData("MOTRILES")]
    [InlineData("motriles@example.com")]
    public async Task AUserAddedByTheAdminLogsInWithScramSha256(string login)
    {
        var directory = new AccountDirectory(_dir.AccountsOptions());

        var (status, mailbox, serverFinalMatches) = await Scram(directory, new ScramTestClient(login, "Secret 1"));

        Assert.Equal(SaslStatus.Succeeded, status);
        Assert.True(serverFinalMatches);
        Assert.True(directory.TryFindMailbox("motriles"u8, out var canonical));
        Assert.Same(canonical, mailbox);
    }

    [Theory]
    [InlineData("motriles", "secret 1")]
    [InlineData("nobody", "Secret 1")]
    [InlineData("motriles@elsewhere.test", "Secret 1")]
    public async Task WrongPasswordsUnknownUsersAndForeignDomainsFail(string login, string password)
    {
        var directory = new AccountDirectory(_dir.AccountsOptions());

        var (status, mailbox, _) = await Scram(directory, new ScramTestClient(login, password));

        Assert.Equal(SaslStatus.Failed, status);
        Assert.Null(mailbox);
    }

    [Fact]
    public void TheVerifierMatchesTheStoredHashSaltAndIterations()
    {
        var directory = new AccountDirectory(_dir.AccountsOptions());
        var hash = _admin.Store.Load().Users.Single().PasswordHash;

        Assert.True(directory.TryGetScramCredentials("motriles"u8, out var credentials));
        Assert.False(directory.TryGetScramCredentials("nobody"u8, out _));

        var parts = hash.Split('$');
        Assert.Equal("i=4096", parts[2]);
        Assert.Equal(4096, credentials.Iterations);
        Assert.Equal(Convert.FromBase64String(parts[3]), credentials.Salt);
        Assert.Equal("motriles", credentials.Mailbox);
    }

    [Fact]
    public async Task APasswordChangeIsSeenByScramAfterTheReload()
    {
        var directory = new AccountDirectory(_dir.AccountsOptions());
        _admin.SetPassword("motriles", "New pass 2");
        directory.ReloadIfChanged();

        var (oldStatus, _, _) = await Scram(directory, new ScramTestClient("motriles", "Secret 1"));
        var (newStatus, _, _) = await Scram(directory, new ScramTestClient("motriles", "New pass 2"));

        Assert.Equal(SaslStatus.Failed, oldStatus);
        Assert.Equal(SaslStatus.Succeeded, newStatus);
    }

    [Fact]
    public async Task PlainThroughTheSameFactoryUsesThePasswordCheck()
    {
        var server = new SaslServerFactory(new AccountDirectory(_dir.AccountsOptions())).Create();
        server.Start(SaslMechanism.Plain);

        var step = await server.StepAsync(Line("\0motriles@example.com\0Secret 1"), default);

        Assert.Equal(SaslStatus.Succeeded, step.Status);
        Assert.Equal("motriles", step.AuthenticatedUser);
    }

    private static async Task<(SaslStatus Status, string? Mailbox, bool ServerFinalMatches)> Scram(AccountDirectory directory, ScramTestClient client)
    {
        var server = new SaslServerFactory(directory, new SaslServerOptions { ScramFakeIterations = 4096 }).Create();
        server.Start(SaslMechanism.ScramSha256);
        var first = await server.StepAsync(Line(client.ClientFirst()), default);
        Assert.Equal(SaslStatus.Continue, first.Status);
        var final = await server.StepAsync(Line(client.ClientFinal(Challenge(first))), default);
        if (final.Status != SaslStatus.Continue)
        {
            return (final.Status, final.AuthenticatedUser, false);
        }

        var matches = Challenge(final) == client.ExpectedServerFinal;
        var done = await server.StepAsync(Raw(""), default);
        return (done.Status, done.AuthenticatedUser, matches);
    }
}
