namespace FastMail.Migration;

/// <summary>Receives one message's bytes in order, as a source file holds them.</summary>
internal interface IMessageSink
{
    void Write(ReadOnlySpan<byte> data);
}
