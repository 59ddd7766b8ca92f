namespace FastMail.Smtp.Data;

/// <summary>
/// Resumable scanner for the DATA text (RFC 5321 4.1.1.4, 4.5.2): copies the message out of whatever pieces the
/// network delivers, removes the transparency dot at the start of lines, stops after CRLF "." CRLF and remembers
/// whether a bare CR or LF appeared (RFC 5321 2.3.8). Only CRLF.CRLF ends the message: "LF.LF", "LF.CRLF" or
/// "CR.CR" are ordinary text, which closes the SMTP smuggling hole (CVE-2023-51764 class).
/// The scanner starts at the beginning of a line, so a message that is just ".CRLF" is empty.
/// The output is the message as stored: CRLF line ends, the final CRLF before the dot kept.
/// </summary>
internal struct DataScanner
{
    private State _state;

    private enum State : byte
    {
        LineStart,
        InLine,
        AfterCr,
        AfterDot,
        AfterDotCr,
        Done,
    }

    /// <summary>True when the text had a CR not followed by LF or an LF not preceded by CR.</summary>
    public bool SawBareLineBreak { get; private set; }

    /// <summary>True once the terminator was consumed.</summary>
    public readonly bool IsDone => _state == State.Done;

    public void Reset()
    {
        _state = State.LineStart;
        SawBareLineBreak = false;
    }

    /// <summary>
    /// Consumes input until it is exhausted, the terminator is consumed, or <paramref name="output"/> has fewer than
    /// two free bytes (it must hold at least two). Returns true when the terminator was consumed;
    /// <paramref name="consumed"/> then ends just after it.
    /// </summary>
    public bool Scan(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        var i = 0;
        var w = 0;
        while (i < input.Length && output.Length - w >= 2 && _state != State.Done)
        {
            switch (_state)
            {
                case State.InLine:
                {
                    // Fast path: the bulk of a message is line content; find its end vectorized and copy it whole.
                    var run = input.Slice(i, Math.Min(input.Length - i, output.Length - w - 1));
                    var end = run.IndexOfAny((byte)'\r', (byte)'\n');
                    if (end < 0)
                    {
                        run.CopyTo(output[w..]);
                        i += run.Length;
                        w += run.Length;
                        break;
                    }

                    run[..end].CopyTo(output[w..]);
                    i += end;
                    w += end;
                    var b = input[i++];
                    output[w++] = b;
                    if (b == (byte)'\r')
                    {
                        _state = State.AfterCr;
                    }
                    else
                    {
                        SawBareLineBreak = true;
                    }

                    break;
                }

                case State.LineStart:
                {
                    var b = input[i++];
                    if (b == (byte)'.')
                    {
                        // RFC 5321 4.5.2: drop the first dot of a line; what follows decides if it was the terminator.
                        _state = State.AfterDot;
                        break;
                    }

                    output[w++] = b;
                    _state = Classify(b);
                    break;
                }

                case State.AfterCr:
                {
                    var b = input[i++];
                    output[w++] = b;
                    if (b == (byte)'\n')
                    {
                        _state = State.LineStart;
                    }
                    else
                    {
                        SawBareLineBreak = true;
                        _state = b == (byte)'\r' ? State.AfterCr : State.InLine;
                    }

                    break;
                }

                case State.AfterDot:
                {
                    var b = input[i++];
                    if (b == (byte)'\r')
                    {
                        _state = State.AfterDotCr;
                        break;
                    }

                    output[w++] = b;
                    _state = Classify(b);
                    break;
                }

                case State.AfterDotCr:
                {
                    if (input[i] == (byte)'\n')
                    {
                        i++;
                        _state = State.Done;
                        break;
                    }

                    // ".CR" then something else: the CR was bare. Emit it and look at this byte again after a CR.
                    SawBareLineBreak = true;
                    output[w++] = (byte)'\r';
                    _state = State.AfterCr;
                    break;
                }
            }
        }

        consumed = i;
        written = w;
        return _state == State.Done;
    }

    private State Classify(byte b)
    {
        if (b == (byte)'\r')
        {
            return State.AfterCr;
        }

        if (b == (byte)'\n')
        {
            SawBareLineBreak = true;
        }

        return State.InLine;
    }
}
