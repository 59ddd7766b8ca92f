using System.Net.Sockets;
using FastMail.Transport.Diagnostics;

namespace FastMail.Transport;

public sealed partial class TransportConnection
{
    /// <summary><see cref="Output"/> to the socket until the handler completes its output, an error occurs, or the connection is aborted.</summary>
    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                _sendState = SendState.WaitingForHandler;
                var read = await reader.ReadAsync();
                if (read.IsCanceled)
                {
                    // Abort(): unsent output is dropped.
                    break;
                }

                var remaining = read.Buffer;
                var failed = false;
                _sendState = SendState.Sending;
                while (!remaining.IsEmpty)
                {
                    var result = await _sendArgs.SendAsync(_socket, remaining);
                    if (!result.IsSuccess || result.BytesTransferred == 0)
                    {
                        LogSocketError("send", result.Error);
                        failed = true;
                        break;
                    }

                    remaining = remaining.Slice(result.BytesTransferred);
                }

                if (failed)
                {
                    break;
                }

                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    // The handler completed its output: say so with FIN now, even if it keeps reading.
                    ShutdownSend();
                    break;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // Aborted between two operations.
        }
        catch (Exception exception)
        {
            _logger.LoopFailed(_listenerName, Id, "send", exception);
        }
        finally
        {
            // The handler's next flush reports IsCompleted: nobody is listening any more.
            reader.Complete();
            _sendState = SendState.Done;
        }
    }

    private void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Reset meanwhile: the peer is gone anyway.
        }
    }
}
