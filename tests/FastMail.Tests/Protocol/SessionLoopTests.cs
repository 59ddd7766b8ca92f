using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using FastMail.Core.Protocol;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Protocol;

public sealed class SessionLoopTests
{
    [Fact]
    public async Task AnUnexpectedStepEndsTheSessionWithTheInternalErrorReplyAndRunsNothingPending()
    {
        var protocol = new ScriptedProtocol((SessionStep)200);
        await using var script = protocol.Start();
        Assert.Equal("hello", await script.ReadLine());

        await script.Send("ONE");
        Assert.Equal("internal error", await script.ReadLine());
        Assert.True(await script.IsClosed());
        Assert.Equal(["line ONE", "internal-error 200"], protocol.Calls);
    }

    [Fact]
    public async Task AFaultFromAnAwaitedStepEndsTheSessionInsteadOfGoingOn()
    {
        var protocol = new ScriptedProtocol(SessionStep.Await, SessionStep.Fault);
        await using var script = protocol.Start();
        Assert.Equal("hello", await script.ReadLine());

        await script.Send("ONE\r\nTWO");
        Assert.Equal("ok ONE", await script.ReadLine());
        Assert.Equal("internal error", await script.ReadLine());
        Assert.True(await script.IsClosed());
        Assert.Equal(["line ONE", "pending", "internal-error Fault"], protocol.Calls);
    }

    [Fact]
    public async Task PipelinedCommandsAreAnsweredInOrderAndCloseSendsTheLastReply()
    {
        var protocol = new ScriptedProtocol(SessionStep.Await, SessionStep.Continue, SessionStep.Close);
        await using var script = protocol.Start();
        Assert.Equal("hello", await script.ReadLine());

        // Both lines in one write: the second is answered from the same buffer after the first's awaited step.
        await script.SendRaw("ONE\r\nTWO\r\nTHREE\r\n");
        Assert.Equal("ok ONE", await script.ReadLine());
        Assert.Equal("ok TWO", await script.ReadLine());
        Assert.True(await script.IsClosed());
        Assert.Equal(["line ONE", "pending", "line TWO"], protocol.Calls);
    }

    [Fact]
    public async Task AQuietClientGetsTheTimeoutReply()
    {
        var protocol = new ScriptedProtocol { ReadTimeout = TimeSpan.FromMilliseconds(100) };
        await using var script = protocol.Start();
        Assert.Equal("hello", await script.ReadLine());
        Assert.Equal("timeout", await script.ReadLine());
        Assert.True(await script.IsClosed());
    }

    [Fact]
    public async Task ShutdownBetweenCommandsGetsTheShutdownReply()
    {
        using var shutdown = new CancellationTokenSource();
        var protocol = new ScriptedProtocol();
        await using var script = protocol.Start(shutdown.Token);
        Assert.Equal("hello", await script.ReadLine());

        await shutdown.CancelAsync();
        Assert.Equal("shutting down", await script.ReadLine());
        Assert.True(await script.IsClosed());
    }

    /// <summary>A protocol whose Process takes one line per call, writes "ok LINE" and returns the next scripted step.</summary>
    private sealed class ScriptedProtocol(params SessionStep[] steps) : ISessionProtocol
    {
        private readonly Queue<SessionStep> _steps = new(steps);
        private IDuplexPipe _pipe = null!;

        public List<string> Calls { get; } = [];

        public PipeReader Input => _pipe.Input;

        public PipeWriter Output => _pipe.Output;

        public TimeProvider Time => TimeProvider.System;

        public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

        public TimeSpan FlushTimeout => TimeSpan.FromSeconds(30);

        public bool StopsOnShutdown => true;

        public SessionScript Start(CancellationToken shutdown = default) => new(async pipe =>
        {
            _pipe = pipe;
            try
            {
                await new SessionLoop(this).RunAsync(shutdown);
            }
            finally
            {
                await pipe.Input.CompleteAsync();
                await pipe.Output.CompleteAsync();
            }
        });

        public ValueTask<bool> GreetAsync()
        {
            Write("hello");
            return new ValueTask<bool>(true);
        }

        public SessionStep Process(ref ReadOnlySequence<byte> buffer)
        {
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                return SessionStep.NeedMoreData;
            }

            var line = Encoding.ASCII.GetString(buffer.Slice(0, lf.Value)).TrimEnd('\r');
            buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
            Calls.Add("line " + line);
            var step = _steps.Count > 0 ? _steps.Dequeue() : SessionStep.NeedMoreData;
            if (step is SessionStep.Await or SessionStep.Close or SessionStep.NeedMoreData)
            {
                Write("ok " + line);
            }

            return step;
        }

        public ValueTask<SessionStep> RunPendingAsync()
        {
            Calls.Add("pending");
            return new ValueTask<SessionStep>(_steps.Dequeue());
        }

        public bool HasPartialLine(in ReadOnlySequence<byte> rest) => !rest.IsEmpty;

        public bool ClosesForSlowInput() => false;

        public ValueTask<bool> StartTlsAsync() => new(false);

        public void WriteTimedOut() => Write("timeout");

        public void WriteShuttingDown() => Write("shutting down");

        public void WriteInternalError(SessionStep step)
        {
            Calls.Add("internal-error " + step);
            Write("internal error");
        }

        public void OnFlushFailed(bool timedOut)
        {
        }

        private void Write(string reply) => Output.Write(Encoding.ASCII.GetBytes(reply + "\r\n"));
    }
}
