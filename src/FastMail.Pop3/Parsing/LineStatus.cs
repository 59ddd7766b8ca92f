namespace FastMail.Pop3.Parsing;

/// <summary>What <see cref="CommandLineReader.TryRead"/> found.</summary>
internal enum LineStatus : byte
{
    /// <summary>No complete line yet; everything examined has been consumed or must be kept.</summary>
    NeedMoreData,

    /// <summary>A complete line was copied out.</summary>
    Complete,

    /// <summary>A line longer than the limit ended; it was discarded and must be answered with an error.</summary>
    TooLong,
}
