using FastMail.Cli;
using FastMail.Configuration;
using FastMail.Smtp;

namespace FastMail.IntegrationTests.Configuration;

/// <summary>Defaults, file, environment and --set layering, and errors that name the key and where its value came from.</summary>
public sealed class ConfigurationTests
{
    private static FastMailSettings Load(string? file = null, Dictionary<string, string>? environment = null, params (string Key, string Value)[] sets) =>
        FastMailSettings.From(ConfigLoader.Load(file, sets.Select(s => new KeyValuePair<string, string>(s.Key, s.Value)).ToList(), name => environment?.GetValueOrDefault(name)));

    [Fact]
    public void EmbeddedDefaultsMatchTheDocumentedOnes()
    {
        var settings = Load();
        Assert.Equal(25L * 1024 * 1024, settings.Smtp.Session.MaxMessageSize);
        Assert.Equal(100, settings.Smtp.Session.MaxRecipients);
        Assert.Equal(2525, Assert.Single(settings.Smtp.Listen).Port);
        Assert.Equal(1110, Assert.Single(settings.Pop3.Listen).Port);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.Pop3.Session.IdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.Smtp.Session.CommandTimeout);
        Assert.False(settings.Accounts.Options.AllowRelay);
        Assert.False(settings.Smtp.Session.StrictAddresses);
        Assert.Equal(Path.GetFullPath("./data"), settings.DataDirectory);
        Assert.Equal("localhost", settings.Accounts.Options.PrimaryDomain);
        Assert.Equal(600_000, settings.Accounts.Options.Pbkdf2Iterations);
    }

    [Fact]
    public void FileThenEnvironmentThenSetOverrideInThatOrder()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """
                {
                  // comments are allowed
                  "primaryDomain": "file.example",
                  "smtp": { "maxMessageSize": "10m", "maxRecipients": 50, "listen": ["127.0.0.1:2600", "127.0.0.1:2601"] },
                  "pop3": { "enableApop": true },
                }
                """);
            var settings = Load(file, new() { ["FASTMAIL_SMTP_MAXRECIPIENTS"] = "60" }, ("smtp.maxMessageSize", "1m"));
            Assert.Equal("file.example", settings.Accounts.Options.PrimaryDomain);
            Assert.Equal(1024 * 1024, settings.Smtp.Session.MaxMessageSize);
            Assert.Equal(60, settings.Smtp.Session.MaxRecipients);
            Assert.Equal([2600, 2601], settings.Smtp.Listen.Select(e => e.Port));
            Assert.True(settings.Pop3.Session.EnableApop);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("smtp.maxMessageSize", "big", "smtp.maxMessageSize = 'big' (from --set) is not valid")]
    [InlineData("smtp.maxRecipients", "0", "smtp.maxRecipients = '0' (from --set) must be between 1 and")]
    [InlineData("smtp.commandTimeout", "forever", "smtp.commandTimeout = 'forever' (from --set) is not valid")]
    [InlineData("pop3.listen", "1110", "pop3.listen = '1110' (from --set) is not valid")]
    [InlineData("relay.trustedNetworks", "10.0.0.0/99", "relay.trustedNetworks = '10.0.0.0/99' (from --set) is not valid")]
    [InlineData("relay.allowRelay", "maybe", "relay.allowRelay = 'maybe' (from --set) is not valid")]
    [InlineData("primaryDomain", "not a domain", "primaryDomain = 'not a domain' (from --set) is not valid")]
    [InlineData("logLevel", "loud", "logLevel = 'loud' (from --set) is not valid")]
    public void InvalidValuesNameTheKeyAndTheSource(string key, string value, string message)
    {
        var error = Assert.Throws<ConfigException>(() => Load(sets: (key, value)));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("accept", LocalSenderPolicy.Accept)]
    [InlineData("REJECT", LocalSenderPolicy.Reject)]
    [InlineData("acceptAndMark", LocalSenderPolicy.AcceptAndMark)]
    public void TheLocalSenderPolicyIsParsedOnceIntoTheSmtpOptions(string text, LocalSenderPolicy expected) =>
        Assert.Equal(expected, Load(sets: ("smtp.localSenderPolicy", text)).Smtp.Session.LocalSenderPolicy);

    [Fact]
    public void AnUnknownLocalSenderPolicyListsTheChoicesAsConfigurationSpellsThem()
    {
        var error = Assert.Throws<ConfigException>(() => Load(sets: ("smtp.localSenderPolicy", "maybe")));

        Assert.Equal("smtp.localSenderPolicy = 'maybe' (from --set) is not valid: expected one of accept, reject, acceptAndMark", error.Message);
    }

    [Fact]
    public void EnvironmentErrorsNameTheVariable()
    {
        var error = Assert.Throws<ConfigException>(() => Load(environment: new() { ["FASTMAIL_POP3_IDLETIMEOUT"] = "soon" }));
        Assert.Contains("environment variable FASTMAIL_POP3_IDLETIMEOUT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeysAreErrorsInFilesAndFlags()
    {
        Assert.Contains("unknown configuration key 'smtp.maxMesageSize'", Assert.Throws<ConfigException>(() => Load(sets: ("smtp.maxMesageSize", "1m"))).Message, StringComparison.Ordinal);
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "smtp": { "port": 25 } }""");
            Assert.Contains("unknown key 'smtp.port'", Assert.Throws<ConfigException>(() => Load(file)).Message, StringComparison.Ordinal);
            File.WriteAllText(file, "{ not json");
            Assert.Contains("is not valid JSON", Assert.Throws<ConfigException>(() => Load(file)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void MissingFileIsAClearError()
    {
        var error = Assert.Throws<ConfigException>(() => Load("/nonexistent/fastmail.json"));
        Assert.Contains("cannot read configuration file '/nonexistent/fastmail.json'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("512k", 512L * 1024)]
    [InlineData("25m", 25L * 1024 * 1024)]
    [InlineData("1g", 1024L * 1024 * 1024)]
    [InlineData("4096", 4096L)]
    public void SizesAcceptSuffixes(string text, long expected) =>
        Assert.Equal(expected, Load(sets: ("smtp.maxMessageSize", text)).Smtp.Session.MaxMessageSize);

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("45", 45_000)]
    public void DurationsAcceptUnits(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Load(sets: ("smtp.commandTimeout", text)).Smtp.Session.CommandTimeout);

    [Fact]
    public void RenderedDefaultsReadBackAsTheSameConfiguration()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, ConfigCommand.Render(ConfigLoader.Load(null, [], _ => null)));
            var values = ConfigLoader.Load(file, [], _ => null);
            foreach (var key in ConfigKeys.All)
            {
                Assert.Equal(key.Default, values.Get(key));
                Assert.StartsWith("file ", values.SourceOf(key), StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ArgumentsParseOptionsSetsAndFlags()
    {
        var args = Arguments.Parse(["user", "add", "bob", "--password=pw", "--set", "a.b=c", "--data-dir", "/tmp/x", "--help"]);
        Assert.Equal(["user", "add", "bob"], args.Positionals);
        Assert.Equal("pw", args.Option("password"));
        Assert.Equal("/tmp/x", args.Option("data-dir"));
        Assert.True(args.Help);
        Assert.Equal(new KeyValuePair<string, string>("a.b", "c"), Assert.Single(args.Sets));
        Assert.Throws<UsageException>(() => args.AllowOnly("password"));
        Assert.Throws<UsageException>(() => Arguments.Parse(["serve", "--config"]));
        Assert.Throws<UsageException>(() => Arguments.Parse(["serve", "--set", "novalue"]));
    }
}
