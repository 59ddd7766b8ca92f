namespace FastMail.Relay.Queue;

/// <summary>How much the queue sends at once (Postfix's names in parentheses).</summary>
public sealed record RelayLimits
{
    /// <summary>Connections to one destination domain at a time (default_destination_concurrency_limit = 20).</summary>
    public int DestinationConcurrency { get; init; } = 20;

    /// <summary>Connections in all (default_process_limit = 100).</summary>
    public int TotalConcurrency { get; init; } = 100;

    /// <summary>Recipients per SMTP transaction (smtp_destination_recipient_limit = 50).</summary>
    public int RecipientsPerTransaction { get; init; } = 50;
}
