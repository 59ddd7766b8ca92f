using FastMail.Accounts;
using FastMail.Cli;
using FastMail.Tests.Accounts;

namespace FastMail.Tests.Hosting;

/// <summary>`fastmail alias add|remove|list` against a real data directory, as the binary runs it (exit codes 0, 1; usage errors are exit 2).</summary>
public sealed class AliasCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("alias-cli");

    public AliasCommandTests()
    {
        var admin = new AccountAdmin(_dir.AccountsOptions(o => o.PrimaryDomain = "example.org"));
        admin.AddUser("alice", "pw");
        admin.AddUser("bob", "pw");
    }

    public void Dispose() => _dir.Dispose();

    private (int Code, string Output, string Error) Run(params string[] words)
    {
        var args = Arguments.Parse([.. words, "--data-dir", _dir.Path, "--set", "primaryDomain=example.org"]);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = AliasCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void AddRemoveAndListRoundTrip()
    {
        Assert.Equal((0, "alias 'postmaster@example.org' added: alice\n", ""), Run("alias", "add", "postmaster@example.org", "alice"));
        Assert.Equal((0, "alias '@example.org' added: bob\n", ""), Run("alias", "add", "@example.org", "bob"));
        Assert.Equal((0, "alias 'postmaster@example.org' now goes to alice, bob, carol@remote.test\n", ""), Run("alias", "add", "Postmaster@example.org", "bob", "carol@remote.test"));

        Assert.Equal((0, "@example.org -> bob\npostmaster@example.org -> alice, bob, carol@remote.test\n", ""), Run("alias", "list"));

        Assert.Equal((0, "target 'bob' removed from alias 'postmaster@example.org'; it now goes to alice, carol@remote.test\n", ""), Run("alias", "remove", "postmaster@example.org", "bob"));
        Assert.Equal((0, "alias '@example.org' removed\n", ""), Run("alias", "remove", "@example.org"));
        Assert.Equal((0, "postmaster@example.org -> alice, carol@remote.test\n", ""), Run("alias", "list"));
    }

    [Fact]
    public void TheServerSeesWhatTheCommandWrote()
    {
        Run("alias", "add", "info@example.org", "alice", "bob");

        var directory = new AccountDirectory(_dir.AccountsOptions(o => o.PrimaryDomain = "example.org"));

        Assert.True(directory.TryExpandAlias("info"u8, ""u8, out var expansion));
        Assert.Equal(["alice", "bob"], expansion.Mailboxes);
    }

    [Theory]
    [InlineData(new[] { "alias", "add", "info@remote.test", "alice" }, "fastmail: domain 'remote.test' is not local\n")]
    [InlineData(new[] { "alias", "add", "info@example.org", "nobody" }, "fastmail: cannot add alias 'info@example.org': alias 'info@example.org': target 'nobody' is not a user\n")]
    [InlineData(new[] { "alias", "add", "info", "alice" }, "fastmail: invalid alias address 'info': use local@domain, or @domain for the catch-all of a local domain (the local part as for a user name)\n")]
    [InlineData(new[] { "alias", "remove", "info@example.org" }, "fastmail: no such alias 'info@example.org'\n")]
    public void ARefusalIsExitCodeOneWithTheReasonOnStandardError(string[] words, string error)
    {
        Assert.Equal((1, "", error), Run(words));
        Assert.Equal((0, "", ""), Run("alias", "list"));
    }

    [Theory]
    [InlineData(new[] { "alias" }, "missing subcommand (add, remove, list)")]
    [InlineData(new[] { "alias", "add" }, "missing alias address")]
    [InlineData(new[] { "alias", "add", "info@example.org" }, "missing target")]
    [InlineData(new[] { "alias", "remove", "a@example.org", "alice", "bob" }, "unexpected argument 'bob'")]
    [InlineData(new[] { "alias", "list", "x" }, "unexpected argument 'x'")]
    [InlineData(new[] { "alias", "rename" }, "unknown alias subcommand 'rename'")]
    [InlineData(new[] { "alias", "list", "--password", "x" }, "unknown option --password")]
    public void WrongUsageIsAUsageError(string[] words, string message)
    {
        var ex = Assert.Throws<UsageException>(() => Run(words));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void HelpDescribesTheSyntax()
    {
        var (code, output, _) = Run("alias", "--help");

        Assert.Equal(0, code);
        Assert.Contains("fastmail alias add ADDRESS TARGET [TARGET...]", output, StringComparison.Ordinal);
        Assert.Contains("--data-dir DIR", output, StringComparison.Ordinal);
    }
}
