using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>Python's smtplib and poplib, the clients of countless scripts, send and retrieve byte-identical mail.</summary>
public sealed class PythonClientTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start([("pyuser", "py-secret")]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SmtplibSendsAndPoplibRetrievesTheSameBytes()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Clients", "python_round_trip.py");
        var (exitCode, output) = await ExternalProcess.RunAsync("python3", [script, _server.SmtpPort.ToString(), _server.Pop3Port.ToString(), "pyuser", "py-secret", TestServer.Domain]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("OK", output, StringComparison.Ordinal);
    }
}
