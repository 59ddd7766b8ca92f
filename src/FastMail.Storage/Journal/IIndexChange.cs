using FastMail.Storage.Index;

namespace FastMail.Storage.Journal;

/// <summary>What a committed record changes in the index; implemented by small structs, so a commit allocates no closure.</summary>
internal interface IIndexChange
{
    /// <summary>Runs before the record is appended (e.g. marking deletes in flight).</summary>
    void Prepare(MailIndex index);

    /// <summary>Runs once the record at <paramref name="address"/> is durable: applies the change and releases its hold in one step.</summary>
    void Apply(MailIndex index, long address);

    /// <summary>Runs when the append or the commit failed: undoes <see cref="Prepare"/> and releases the hold (none when <paramref name="address"/> is -1).</summary>
    void Abandon(MailIndex index, long address);
}
