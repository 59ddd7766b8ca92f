using System.Runtime.InteropServices;

namespace FastMail.Hosting;

/// <summary>
/// Turns SIGHUP into a call of the reload action, one at a time on the thread pool (the signal handler must return
/// quickly). Without this registration SIGHUP would end the process, the runtime's default.
/// </summary>
internal sealed class ReloadSignal : IDisposable
{
    private readonly PosixSignalRegistration _registration;
    private readonly Action _reload;
    private readonly Lock _lock = new();
    private Task _last = Task.CompletedTask;

    public ReloadSignal(Action reload)
    {
        _reload = reload;
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Keep the process alive: SIGHUP means "reload", not "hang up".
        context.Cancel = true;
        lock (_lock)
        {
            // Chained: two quick SIGHUPs reload twice, in order, never at once.
            _last = _last.ContinueWith(_ => _reload(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    public void Dispose() => _registration.Dispose();
}
