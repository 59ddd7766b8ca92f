using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastMail.IntegrationTests.Browser;

/// <summary>
/// A few fixed HTTP responses on 127.0.0.1 and a port the OS picks: enough web server to prove the browser harness
/// without Kestrel. HTTP/1.1 with <c>Connection: close</c>, GET only, one response per connection.
/// </summary>
internal sealed class StaticPages : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, (string ContentType, byte[] Body, string ExtraHeaders)> _pages = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public StaticPages()
    {
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public StaticPages Add(string path, string contentType, string body, string extraHeaders = "") =>
        Add(path, contentType, Encoding.UTF8.GetBytes(body), extraHeaders);

    public StaticPages Add(string path, string contentType, byte[] body, string extraHeaders = "")
    {
        lock (_pages)
        {
            _pages[path] = (contentType, body, extraHeaders);
        }

        return this;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                return;
            }

            _ = RespondAsync(client);
        }
    }

    private async Task RespondAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(_stop.Token);
                if (requestLine is null)
                {
                    return;
                }

                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token)))
                {
                    // Headers are not needed: every page is the same for every request.
                }

                var parts = requestLine.Split(' ');
                var path = parts.Length > 1 ? parts[1] : "/";
                (string ContentType, byte[] Body, string ExtraHeaders) page;
                bool found;
                lock (_pages)
                {
                    found = _pages.TryGetValue(path, out page);
                }

                var status = found ? "200 OK" : "404 Not Found";
                if (!found)
                {
                    page = ("text/plain; charset=utf-8", "not found"u8.ToArray(), "");
                }

                var head = $"HTTP/1.1 {status}\r\nContent-Type: {page.ContentType}\r\nContent-Length: {page.Body.Length}\r\n" +
                           $"Cache-Control: no-store\r\n{page.ExtraHeaders}Connection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(page.Body, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The browser closed the connection or the server is stopping.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }
}
