namespace FastMail.Load.Simulations;

/// <summary>Decides when each worker's next operation starts; the latency clock runs from that time.</summary>
internal interface ISchedule
{
    /// <summary>Waits until the next operation is due and returns its intended start, or null when the run is over.</summary>
    ValueTask<TimeSpan?> NextAsync(RunClock clock, CancellationToken cancellationToken);

    /// <summary>A short description for the report.</summary>
    string Describe();
}
