namespace FastMail.Storage.Log;

/// <summary>
/// Keeps the native log alive while calls are inside it: Close waits for calls in progress and refuses new ones, so a
/// writer racing shutdown gets an <see cref="ObjectDisposedException"/> instead of touching freed log memory.
/// </summary>
internal sealed class UseGate
{
    private int _users;
    private int _closed;

    public void Enter()
    {
        Interlocked.Increment(ref _users);
        if (Volatile.Read(ref _closed) != 0)
        {
            Interlocked.Decrement(ref _users);
            throw new ObjectDisposedException(nameof(FasterMailStore));
        }
    }

    public void Exit() => Interlocked.Decrement(ref _users);

    /// <summary>Refuses new users and waits until the current ones have left. Returns false if already closed.</summary>
    public async ValueTask<bool> CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return false;
        }

        while (Volatile.Read(ref _users) != 0)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }

        return true;
    }
}
