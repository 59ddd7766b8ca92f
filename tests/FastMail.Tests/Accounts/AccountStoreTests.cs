using FastMail.Accounts;

namespace FastMail.Tests.Accounts;

public sealed class AccountStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new("accounts");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AMissingFileLoadsAsAnEmptyDocument()
    {
        var document = new AccountStore(_dir.Path).Load();

        Assert.Equal(1, document.Version);
        Assert.Empty(document.Users);
        Assert.Empty(document.Domains);
    }

    [Fact]
    public void SaveWritesTheDocumentedJsonShapeAndLeavesNoTempFile()
    {
        var store = new AccountStore(_dir.Path);
        var hash = "$pbkdf2-sha256$i=1000$+++++++++++++++++++++w==$" + Convert.ToBase64String(new byte[32]); // '+' for sure
        Assert.True(PasswordHasher.IsWellFormed(hash));
        store.Save(new AccountsDocument
        {
            Users = [new AccountRecord { Name = "alice", PasswordHash = hash, ApopSecret = "tanstaaf" }, new AccountRecord { Name = "bob", PasswordHash = hash }],
            Domains = ["other.test"],
        });

        var text = File.ReadAllText(_dir.AccountsFile);
        Assert.Contains(hash, text, StringComparison.Ordinal); // readable: no \u002B escapes for base64 '+'
        using var json = System.Text.Json.JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        var alice = root.GetProperty("users")[0];
        Assert.Equal("alice", alice.GetProperty("name").GetString());
        Assert.Equal(hash, alice.GetProperty("passwordHash").GetString());
        Assert.Equal("tanstaaf", alice.GetProperty("apopSecret").GetString());
        Assert.False(root.GetProperty("users")[1].TryGetProperty("apopSecret", out _));
        Assert.Equal("other.test", root.GetProperty("domains")[0].GetString());
        Assert.Equal(["accounts.json", "accounts.lock"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void SaveReplacesAnExistingFileWithAValidOne()
    {
        var admin = new AccountAdmin(_dir.AccountsOptions());
        for (var i = 0; i < 10; i++)
        {
            admin.AddUser($"user{i}", "pw");
            var reloaded = new AccountStore(_dir.Path).Load();
            Assert.Equal(i + 1, reloaded.Users.Count);
        }

        Assert.False(File.Exists(_dir.AccountsFile + ".tmp"));
    }

    [Fact]
    public void TheFileIsReadableByItsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        new AccountAdmin(_dir.AccountsOptions()).AddUser("alice", "pw");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.AccountsFile));
    }

    [Fact]
    public void ALeftoverTempFileFromACrashedWriterDoesNotMatter()
    {
        File.WriteAllText(_dir.AccountsFile + ".tmp", "{ half a fi");
        var admin = new AccountAdmin(_dir.AccountsOptions());

        Assert.True(admin.AddUser("alice", "pw").Succeeded);
        Assert.Single(admin.Store.Load().Users);
    }

    [Theory]
    [InlineData("{ \"version\": 1, \"users\": [ { \"name\": \"alice\", ")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{ \"version\": 2, \"users\": [], \"domains\": [] }")]
    [InlineData("{ \"version\": 1, \"users\": [ { \"name\": \"Bad Name\", \"passwordHash\": \"x\" } ], \"domains\": [] }")]
    [InlineData("{ \"version\": 1, \"users\": [ { \"name\": \"alice\", \"passwordHash\": \"plaintext\" } ], \"domains\": [] }")]
    [InlineData("{ \"version\": 1, \"users\": [ { \"name\": \"alice\" } ], \"domains\": [] }")]
    [InlineData("{ \"version\": 1, \"users\": [], \"domains\": [ \"bad domain\" ] }")]
    [InlineData("{ \"version\": 1, \"users\": null, \"domains\": [] }")]
    [InlineData("{ \"version\": 1, \"users\": [ null ], \"domains\": [] }")]
    public void ACorruptFileIsAClearErrorNamingTheFile(string content)
    {
        File.WriteAllText(_dir.AccountsFile, content);

        var ex = Assert.Throws<AccountsFileException>(() => new AccountStore(_dir.Path).Load());

        Assert.StartsWith(_dir.AccountsFile + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADuplicateUserInTheFileIsAnError()
    {
        var hash = PasswordHasher.Hash("pw", 1000);
        File.WriteAllText(_dir.AccountsFile, $$"""
            { "version": 1, "users": [ { "name": "alice", "passwordHash": "{{hash}}" }, { "name": "alice", "passwordHash": "{{hash}}" } ] }
            """);

        var ex = Assert.Throws<AccountsFileException>(() => new AccountStore(_dir.Path).Load());

        Assert.Contains("appears twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACorruptFileIsNeverReplacedByAnAdminChange()
    {
        const string corrupt = "{ this is not json";
        File.WriteAllText(_dir.AccountsFile, corrupt);
        var admin = new AccountAdmin(_dir.AccountsOptions());

        var ex = Assert.Throws<AccountsFileException>(() => admin.AddUser("alice", "pw"));

        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
        Assert.Equal(corrupt, File.ReadAllText(_dir.AccountsFile));
    }

    [Fact]
    public void AHandWrittenFileWithCommentsAndTrailingCommasLoads()
    {
        var hash = PasswordHasher.Hash("pw", 1000);
        File.WriteAllText(_dir.AccountsFile, $$"""
            {
              // edited by hand
              "version": 1,
              "users": [ { "name": "alice", "passwordHash": "{{hash}}", }, ],
              "domains": [ "other.test", ],
            }
            """);

        var document = new AccountStore(_dir.Path).Load();

        Assert.Equal("alice", Assert.Single(document.Users).Name);
        Assert.Equal("other.test", Assert.Single(document.Domains));
    }

    [Fact]
    public void AWriterWaitsForTheLockAndGivesUpWithAClearError()
    {
        var store = new AccountStore(_dir.Path) { LockTimeout = TimeSpan.FromMilliseconds(100) };
        using (new FileStream(store.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var ex = Assert.Throws<AccountsFileException>(() => store.Save(new AccountsDocument()));
            Assert.Contains("accounts.lock", ex.Message, StringComparison.Ordinal);
        }

        store.Save(new AccountsDocument()); // released: works again
        Assert.True(File.Exists(_dir.AccountsFile));
    }

    [Fact]
    public void SaveRefusesAnInvalidDocument()
    {
        var store = new AccountStore(_dir.Path);

        Assert.Throws<AccountsFileException>(() => store.Save(new AccountsDocument { Users = [new AccountRecord { Name = "UPPER", PasswordHash = "x" }] }));
        Assert.False(File.Exists(_dir.AccountsFile));
    }
}
