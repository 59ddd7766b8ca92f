using System.Buffers;
using FastMail.Core.Protocol;
using FastMail.Pop3.Logging;
using FastMail.Pop3.Parsing;
using FastMail.Pop3.Replies;

namespace FastMail.Pop3.Session;

/// <summary>Routes one command line to its handler after the state table allowed it; error replies and their count.</summary>
internal sealed partial class Pop3Session
{
    private ValueTask ExecuteAsync(int length)
    {
        var line = _line.AsSpan(0, length);
        var verb = VerbParser.Parse(line, out var arguments);
        _commandCount++;
        CountCommand(verb);

        // RFC 1939 7: PASS is valid only immediately after USER, so any other command forgets the user name.
        var pendingUser = _userLength;
        _userLength = -1;

        if (!Pop3StateTable.IsAllowed(_state, verb))
        {
            WriteError(verb == Pop3Verb.Unknown ? Pop3Replies.UnknownCommand : Pop3Replies.WrongState);
            return default;
        }

        switch (verb)
        {
            case Pop3Verb.Capa:
                Capa();
                return default;
            case Pop3Verb.Stls:
                Stls();
                return default;
            case Pop3Verb.Quit:
                return _state == Pop3State.Transaction ? EnterUpdateAsync() : QuitAuthorization();
            case Pop3Verb.User:
                User(arguments);
                return default;
            case Pop3Verb.Pass:
                return Pass(pendingUser, length - arguments.Length, arguments.Length);
            case Pop3Verb.Apop:
                return Apop(arguments);
            case Pop3Verb.Auth:
                return Auth(arguments, length - arguments.Length);
            case Pop3Verb.Stat:
                Stat();
                return default;
            case Pop3Verb.List:
                return List(arguments);
            case Pop3Verb.Uidl:
                return Uidl(arguments);
            case Pop3Verb.Dele:
                Dele(arguments);
                return default;
            case Pop3Verb.Noop:
                _output.Write(Pop3Replies.Ok);
                return default;
            case Pop3Verb.Rset:
                Rset();
                return default;
            case Pop3Verb.Retr:
                return Retr(arguments);
            case Pop3Verb.Top:
                return Top(arguments);
            default:
                WriteError(Pop3Replies.UnknownCommand);
                return default;
        }
    }

    private void WriteGreeting()
    {
        _output.Write(Pop3Replies.Greeting);
        if (_options.EnableApop)
        {
            // RFC 1939 7: the timestamp the client's APOP digest covers, fresh for every connection.
            _timestampLength = ApopTimestamp.Write(_timestamp, _hostName, _time);
            _output.Write(" "u8);
            _output.Write(_timestamp.AsSpan(0, _timestampLength));
        }

        _output.Write(Pop3Replies.CrLf);
    }

    /// <summary>Writes an -ERR reply, or the closing one when this error reaches <see cref="Pop3Options.MaxErrors"/>.</summary>
    private void WriteError(ReadOnlySpan<byte> reply)
    {
        // RFC 2449 8.1.2: [SYS/TEMP] is the server's trouble (a store or directory failing), not the client's error,
        // so it does not count, as SMTP's 4xx for a failing store does not (the shared rule, ErrorLimit).
        if (reply.StartsWith(Pop3Replies.ServerFailurePrefix) || !CountError())
        {
            _output.Write(reply);
        }
    }

    /// <summary>Counts an error; when it is one too many, writes the closing reply and returns true (the caller writes nothing).</summary>
    /// <remarks>The shared rule (<see cref="ErrorLimit"/>); POP3's closing reply stands in place of the error.</remarks>
    private bool CountError()
    {
        if (!_errors.CountAndCheck(_options.MaxErrors))
        {
            return false;
        }

        _end = SessionEnd.TooManyErrors;
        Pop3Log.TooManyErrors(_logger, _remote);
        _output.Write(Pop3Replies.TooManyErrors);
        _mode = Pop3ReceiveMode.Closing;
        return true;
    }
}
