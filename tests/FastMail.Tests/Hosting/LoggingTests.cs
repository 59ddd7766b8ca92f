using System.Text.Json;
using FastMail.Configuration;
using FastMail.Delivery;
using FastMail.Hosting;
using FastMail.Smtp;
using FastMail.Tests.Smtp;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Hosting;

/// <summary>logFormat, the systemd default, the run-time level switch, and what the JSON format writes.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class LoggingTests
{
    private static FastMailSettings Load(params (string Key, string Value)[] sets) =>
        FastMailSettings.From(ConfigLoader.Load(null, [.. sets.Select(s => new KeyValuePair<string, string>(s.Key, s.Value))], _ => null));

    [Theory]
    [InlineData(null, "Text")]
    [InlineData("text", "Text")]
    [InlineData("JSON", "Json")]
    [InlineData(" systemd ", "Systemd")]
    public void LogFormatKeyIsParsed(string? value, string expected) =>
        Assert.Equal(Enum.Parse<LogFormat>(expected), (value is null ? Load() : Load(("logFormat", value))).LogFormat);

    [Fact]
    public void UnknownLogFormatIsAConfigErrorNamingTheKeyAndTheChoices()
    {
        var error = Assert.Throws<ConfigException>(() => Load(("logFormat", "xml")));
        Assert.Contains("logFormat = 'xml'", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected text, json or systemd", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Text", null, "Text")]
    [InlineData("Text", "", "Text")]
    [InlineData("Text", "8:12345", "Systemd")]
    [InlineData("Json", "8:12345", "Json")]
    [InlineData("Systemd", null, "Systemd")]
    public void TextUnderSystemdBecomesTheSystemdFormat(string configured, string? journalStream, string expected) =>
        Assert.Equal(Enum.Parse<LogFormat>(expected), Logging.Resolve(Enum.Parse<LogFormat>(configured), journalStream));

    [Fact]
    public void TheLevelSwitchChangesEveryLoggerAtRunTime()
    {
        var level = new LogLevelSwitch(LogLevel.Warning);
        using var factory = Logging.Create(level, LogFormat.Text);
        var logger = factory.CreateLogger("FastMail.Smtp.Transactions");
        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));

        level.Level = LogLevel.Debug;
        Assert.True(logger.IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger("Other").IsEnabled(LogLevel.Debug));

        level.Level = LogLevel.None;
        Assert.False(logger.IsEnabled(LogLevel.Critical));
    }

    [Fact]
    public async Task JsonFormatWritesOneParsableObjectPerLineWithTheTransactionFields()
    {
        var captured = new StringWriter();
        ILoggerFactory factory;
        var stderr = Console.Error;

        // The console logger takes Console.Error when it is made; the collection keeps other tests off the console meanwhile.
        Console.SetError(TextWriter.Synchronized(captured));
        try
        {
            factory = Logging.Create(new LogLevelSwitch(LogLevel.Information), LogFormat.Json);
        }
        finally
        {
            Console.SetError(stderr);
        }

        using (factory)
        {
            var directory = new FakeDirectory("example.com").AddUser("bob", "pw");
            var handler = new SmtpSessionHandler(
                new SmtpOptions { HostName = "mx.example.com" }, directory, new MailDelivery(directory, directory, new InMemoryMailStore(), NullLogger.Instance), NullLogger.Instance,
                transactionLogger: factory.CreateLogger("FastMail.Smtp.Transactions"));
            await using var script = new SessionScript(pipe => handler.RunAsync(pipe, SmtpHost.Remote, default));
            await script.Expect("220 ");
            await script.SendRaw("EHLO client.example.net\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
            await script.ExpectSmtpMultiline("250");
            await script.Expect("250 2.1.0");
            await script.Expect("250 2.1.5");
            await script.Expect("354 ");
            await script.SendRaw("hi\r\n.\r\nQUIT\r\n");
            var queued = await script.Expect("250 2.0.0 Ok: queued as ");
            await script.Expect("221 ");
            await script.Session;
            factory.Dispose(); // flushes the console queue

            var lines = captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var documents = lines.Select(line => JsonDocument.Parse(line)).ToList();
            var transaction = Assert.Single(documents, d => d.RootElement.GetProperty("EventId").GetInt32() == 5100).RootElement;
            Assert.Equal("FastMail.Smtp.Transactions", transaction.GetProperty("Category").GetString());
            Assert.Equal("Information", transaction.GetProperty("LogLevel").GetString());
            Assert.EndsWith("Z", transaction.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
            var state = transaction.GetProperty("State");
            Assert.Equal(queued[^16..], state.GetProperty("QueueId").GetString());
            Assert.Equal("accepted", state.GetProperty("Outcome").GetString());
            Assert.Equal("[192.0.2.7]:40000", state.GetProperty("Client").GetString());
            Assert.Equal("smtp", state.GetProperty("Listener").GetString());
            Assert.Equal("client.example.net", state.GetProperty("Helo").GetString());
            Assert.Equal("none", state.GetProperty("User").GetString());
            Assert.Equal("no", state.GetProperty("Tls").GetString());
            Assert.Equal("a@example.net", state.GetProperty("Sender").GetString());
            Assert.Equal("bob@example.com", state.GetProperty("Recipients").GetString());
            Assert.Equal(JsonValueKind.Number, state.GetProperty("Size").ValueKind);
            Assert.Equal(JsonValueKind.Number, state.GetProperty("DurationMs").ValueKind);
            Assert.Contains(documents, d => d.RootElement.GetProperty("EventId").GetInt32() == 5103);
        }
    }
}

/// <summary>Tests that swap Console.Error run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCapture
{
    public const string Name = "Console capture";
}
