namespace FastMail.Core.Services;

/// <summary>The outbound queue as the delivery step sees it: told of every committed message that lists remote recipients.</summary>
public interface IOutboundQueue
{
    /// <summary>Message <paramref name="id"/> was committed to the queue mailbox; schedules its first attempt now. Never blocks.</summary>
    void Enqueued(long id);
}
