namespace FastMail.Core.Services;

/// <summary>What the delivery step says about a complete message before it is committed.</summary>
public enum MessageVerdict : byte
{
    /// <summary>At least one target has room: commit it to those.</summary>
    Deliver,

    /// <summary>Every target would go past its quota: nothing is stored (SMTP: 552 5.2.2).</summary>
    AllMailboxesFull,
}
