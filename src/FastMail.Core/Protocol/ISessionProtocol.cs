using System.Buffers;
using System.IO.Pipelines;

namespace FastMail.Core.Protocol;

/// <summary>
/// What <see cref="SessionLoop"/> needs from a protocol (SMTP, POP3): its pipes and deadlines, a synchronous pass that
/// answers every complete command in the buffer, the asynchronous step a command may ask for, and the replies the loop
/// itself sends (timeout, shutdown, internal error). Implemented explicitly by the session classes, so the loop calls
/// them through the interface: no delegate, no allocation per command.
/// </summary>
internal interface ISessionProtocol
{
    /// <summary>The pipe to read; re-read on every turn, because STARTTLS/STLS replaces it.</summary>
    PipeReader Input { get; }

    /// <summary>The pipe replies are written to; re-read on every turn, as <see cref="Input"/>.</summary>
    PipeWriter Output { get; }

    TimeProvider Time { get; }

    /// <summary>How long the next read may wait (a command line must complete within it); <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</summary>
    TimeSpan ReadTimeout { get; }

    /// <summary>How long a client may take to accept the replies; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</summary>
    TimeSpan FlushTimeout { get; }

    /// <summary>
    /// True while a shutdown may end the session now: between commands. SMTP says false while message text is being
    /// received, so a message already on its way is finished.
    /// </summary>
    bool StopsOnShutdown { get; }

    /// <summary>Writes the greeting (after any greeting delay); false when the session must end without one.</summary>
    ValueTask<bool> GreetAsync();

    /// <summary>
    /// Answers every complete command at the front of <paramref name="buffer"/>, slicing off what it used, and stops at
    /// the first that needs more than a synchronous answer.
    /// </summary>
    SessionStep Process(ref ReadOnlySequence<byte> buffer);

    /// <summary>Runs the asynchronous work the last <see cref="SessionStep.Await"/> or <see cref="SessionStep.FlushThenAwait"/> asked for.</summary>
    ValueTask<SessionStep> RunPendingAsync();

    /// <summary>After <see cref="SessionStep.NeedMoreData"/>: true when a command line has started and not ended (its deadline keeps running).</summary>
    bool HasPartialLine(in ReadOnlySequence<byte> rest);

    /// <summary>After <see cref="SessionStep.NeedMoreData"/>: true when the client is too slow to go on; the closing reply is then written.</summary>
    bool ClosesForSlowInput();

    /// <summary>Runs the TLS handshake after the "ready" reply went out; false when the session must end.</summary>
    ValueTask<bool> StartTlsAsync();

    /// <summary>The read deadline passed: log it and write the protocol's timeout reply.</summary>
    void WriteTimedOut();

    /// <summary>The server is stopping: write the protocol's shutdown reply.</summary>
    void WriteShuttingDown();

    /// <summary>A bug (an unexpected <see cref="SessionStep"/>): log it and write the protocol's internal-error reply.</summary>
    void WriteInternalError(SessionStep step);

    /// <summary>A flush failed: the client is gone (<paramref name="timedOut"/> false) or did not read within <see cref="FlushTimeout"/>.</summary>
    void OnFlushFailed(bool timedOut);
}
