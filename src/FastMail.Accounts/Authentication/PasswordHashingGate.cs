namespace FastMail.Accounts.Authentication;

/// <summary>
/// Lets at most <see cref="Slots"/> password hashes (PBKDF2) run at once; the logins beyond wait without holding a thread.
/// A login storm (every client of a restarted server reconnecting at once) otherwise puts one CPU-bound thread per login
/// on the pool, and with the pool's floor of 256 threads they all run: every core is shared by hundreds of hashes, and the
/// sessions already logged in (RETR, DELE, SMTP's DATA) wait behind them. With the gate, logins queue behind each other
/// while at least one core stays free for the rest of the server. Measured (compare-scale, POP3 RETR+DELE, 256 sessions
/// opening at once, 4,096 iterations): see docs/PERFORMANCE.md, "scale curve".
/// </summary>
internal sealed class PasswordHashingGate
{
    private readonly SemaphoreSlim _slots;

    public PasswordHashingGate(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Slots = slots;
        _slots = new SemaphoreSlim(slots, slots);
    }

    /// <summary>One fewer than the machine's cores, at least one: the last core serves the sessions already logged in.</summary>
    public static int DefaultSlots => Math.Max(1, Environment.ProcessorCount - 1);

    public int Slots { get; }

    /// <summary>Runs <paramref name="verify"/> in a slot (at once when one is free, which is the common case).</summary>
    public async ValueTask<bool> RunAsync<TState>(TState state, Func<TState, bool> verify, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return verify(state);
        }
        finally
        {
            _slots.Release();
        }
    }
}
