using FastMail.Accounts;
using FastMail.Benchmarks.Infrastructure;
using FastMail.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Benchmarks.Session;

/// <summary>
/// The real services a session talks to, on a temp directory: a FasterMailStore that commits to disk and an
/// AccountDirectory whose users have cheap PBKDF2 hashes (the login after the first is an auth-cache hit anyway,
/// as for a client that polls), so the figures show the session and the store, not password hashing.
/// </summary>
internal sealed class MailServerFixture : IAsyncDisposable
{
    public const string Domain = "fastmail.test";

    public const string Password = "benchmark secret";

    private readonly TempDirectory _directory = new("bench-server");

    public MailServerFixture(int users)
    {
        var accounts = new AccountsOptions { DataDirectory = _directory.Path, PrimaryDomain = Domain, Pbkdf2Iterations = 1_000 };
        var admin = new AccountAdmin(accounts);
        for (var i = 0; i < users; i++)
        {
            var result = admin.AddUser(UserName(i), Password);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(result.Message);
            }
        }

        Directory = new AccountDirectory(accounts);
        Store = FasterMailStore.Open(new StorageOptions { DataDirectory = _directory.Path }, NullLogger.Instance);
    }

    public AccountDirectory Directory { get; }

    public FasterMailStore Store { get; }

    public static string UserName(int index) => $"user{index:D3}";

    /// <summary>Stores <paramref name="message"/> durably in <paramref name="mailbox"/>, bypassing SMTP.</summary>
    public async Task DeliverAsync(byte[] message, string mailbox)
    {
        using var writer = Store.BeginMessage();
        writer.Write(message);
        string[] mailboxes = [mailbox];
        await writer.CommitAsync(Envelopes.For(mailboxes), mailboxes, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _directory.Dispose();
    }
}
