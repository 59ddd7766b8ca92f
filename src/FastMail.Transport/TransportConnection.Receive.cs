using System.Net.Sockets;
using FastMail.Transport.Diagnostics;

namespace FastMail.Transport;

public sealed partial class TransportConnection
{
    /// <summary>Socket to <see cref="Input"/> until the peer closes, an error occurs, or the handler stops reading.</summary>
    private async Task ReceiveLoopAsync()
    {
        var writer = _input.Writer;
        try
        {
            while (true)
            {
                // A zero-byte receive waits for data without a buffer, so an idle connection
                // holds no pipe memory (Kestrel's WaitForDataBeforeAllocatingBuffer).
                _receiveState = ReceiveState.WaitingForData;
                var result = await _receiveArgs.ReceiveAsync(_socket, Memory<byte>.Empty);
                if (!result.IsSuccess)
                {
                    LogSocketError("receive", result.Error);
                    break;
                }

                _receiveState = ReceiveState.Reading;
                result = await _receiveArgs.ReceiveAsync(_socket, writer.GetMemory());
                if (!result.IsSuccess)
                {
                    LogSocketError("receive", result.Error);
                    break;
                }

                if (result.BytesTransferred == 0)
                {
                    // The peer sent FIN: it has nothing more to say.
                    break;
                }

                writer.Advance(result.BytesTransferred);
                var flushing = writer.FlushAsync();
                if (!flushing.IsCompleted)
                {
                    _receiveState = ReceiveState.WaitingForHandler;
                }

                // Backpressure: past MaxReadBufferSize this waits until the handler consumes.
                var flush = await flushing;
                if (flush.IsCompleted || flush.IsCanceled)
                {
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
            _logger.LoopFailed(_listenerName, Id, "receive", exception);
        }
        finally
        {
            // Without an exception: a reset and a FIN look the same to the handler (input ends),
            // which is what a protocol session needs; the reason is in the debug log.
            writer.Complete();
            _receiveState = ReceiveState.Done;
        }
    }

    private void LogSocketError(string direction, SocketError error)
    {
        // Our own close or abort cancels pending operations; that is not news.
        if (error != SocketError.OperationAborted)
        {
            _logger.SocketFailed(_listenerName, Id, direction, error);
        }
    }
}
