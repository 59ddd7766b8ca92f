using System.Runtime.InteropServices;

namespace FastMail.Hosting;

/// <summary>
/// Turns SIGHUP into a call of the reload action, one at a time on the thread pool (the signal handler must return
/// quickly). Without this registration SIGHUP would end the process, the runtime's default. It is registered before the
/// server starts: a SIGHUP during start-up (logrotate, an operator who edited the file a moment too early) is kept and
/// reloads once when <see cref="Arm"/> gives the action, since the start may have read the file before the edit.
/// </summary>
internal sealed partial class ReloadSignal : IDisposable
{
    private const int SignalHangUp = 1;
    private const nint DefaultAction = 0; // SIG_DFL

    private readonly PosixSignalRegistration _registration;
    private readonly Action _arrivedBeforeReady;
    private readonly Lock _lock = new();
    private Action? _reload;
    private bool _pending;
    private Task _last = Task.CompletedTask;

    /// <param name="arrivedBeforeReady">Called (on the thread pool) for the first SIGHUP that comes before <see cref="Arm"/>.</param>
    public ReloadSignal(Action arrivedBeforeReady)
    {
        _arrivedBeforeReady = arrivedBeforeReady;
        // A process started with SIGHUP ignored (nohup, some supervisors and CI runners) keeps it ignored under the
        // .NET runtime even with a registration, and `kill -HUP` would then reload nothing, silently. SIGHUP is our
        // reload signal whoever started us: back to the default action, which the registration below replaces at once.
        SetSignalAction(SignalHangUp, DefaultAction);
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
    }

    /// <summary>From now on SIGHUP calls <paramref name="reload"/>; a SIGHUP that came before calls it once now.</summary>
    public void Arm(Action reload)
    {
        lock (_lock)
        {
            _reload = reload;
            if (_pending)
            {
                _pending = false;
                Chain(reload);
            }
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Keep the process alive: SIGHUP means "reload", not "hang up".
        context.Cancel = true;
        lock (_lock)
        {
            if (_reload is { } reload)
            {
                Chain(reload);
            }
            else if (!_pending)
            {
                _pending = true;
                Chain(_arrivedBeforeReady);
            }
        }
    }

    // Chained: two quick SIGHUPs reload twice, in order, never at once.
    private void Chain(Action action) =>
        _last = _last.ContinueWith(_ => action(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    public void Dispose() => _registration.Dispose();

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetSignalAction(int signal, nint action);
}
