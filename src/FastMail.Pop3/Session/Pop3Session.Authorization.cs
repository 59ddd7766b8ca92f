using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using FastMail.Core.Services;
using FastMail.Pop3.Logging;
using FastMail.Pop3.Parsing;
using FastMail.Pop3.Replies;

namespace FastMail.Pop3.Session;

/// <summary>The AUTHORIZATION state (RFC 1939 4 and 7): USER/PASS, APOP, opening and locking the mailbox.</summary>
internal sealed partial class Pop3Session
{
    private const int ApopDigestLength = 32;
    private const string PassMethod = "USER/PASS";
    private const string ApopMethod = "APOP";

    private readonly byte[] _apopDigest = new byte[ApopDigestLength];

    private void User(ReadOnlySpan<byte> arguments)
    {
        if (!_plaintextAuthAllowed)
        {
            // RFC 2595 2.2: no clear-text password over an unencrypted network connection.
            WriteError(Pop3Replies.PlaintextDisallowed);
            return;
        }

        var rest = arguments;
        if (!ArgumentReader.TryReadToken(ref rest, out var name) || !ArgumentReader.IsEnd(rest))
        {
            WriteError(Pop3Replies.SyntaxError);
            return;
        }

        // Always +OK: answering -ERR for unknown names would tell who has an account (contract 6).
        name.CopyTo(_user);
        _userLength = name.Length;
        _output.Write(Pop3Replies.PasswordRequired);
    }

    private ValueTask Pass(int pendingUser, int passwordOffset, int passwordLength)
    {
        if (pendingUser < 0)
        {
            WriteError(Pop3Replies.PassWithoutUser);
            return default;
        }

        // RFC 1939 7: the password is the rest of the line, spaces included.
        return AuthenticateAsync(pendingUser, passwordOffset, passwordLength);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AuthenticateAsync(int userLength, int passwordOffset, int passwordLength)
    {
        string? mailbox = null;
        var attempt = LoginAttempt.Unthrottled;
        try
        {
            attempt = await AdmitAsync(PassMethod, ThrottleAccount(_user.AsSpan(0, userLength)));
            if (attempt.Admitted)
            {
                mailbox = await _directory.AuthenticateAsync(_user.AsMemory(0, userLength), _line.AsMemory(passwordOffset, passwordLength), _shutdown);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _throttle?.Complete(attempt, succeeded: false);
            Pop3Log.DirectoryFailed(_logger, exception, _remote);
            WriteError(Pop3Replies.MailboxUnavailable);
            return;
        }
        catch (OperationCanceledException)
        {
            _throttle?.Complete(attempt, succeeded: false); // shutdown during the check: the attempt still ends
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_line.AsSpan(passwordOffset, passwordLength));
        }

        if (!attempt.Admitted)
        {
            // Locked out: the same reply as a wrong password, so a locked-out guesser learns nothing (IAuthThrottle).
            WriteError(Pop3Replies.InvalidCredentials);
            return;
        }

        LoginChecked(PassMethod, attempt, mailbox is not null);
        if (mailbox is null)
        {
            WriteError(Pop3Replies.InvalidCredentials);
            return;
        }

        await OpenMailboxAsync(mailbox);
    }

    private ValueTask Apop(ReadOnlySpan<byte> arguments)
    {
        if (!_options.EnableApop)
        {
            WriteError(Pop3Replies.ApopNotEnabled);
            return default;
        }

        var rest = arguments;
        if (!ArgumentReader.TryReadToken(ref rest, out var name) || !ArgumentReader.TryReadToken(ref rest, out var digest)
            || !ArgumentReader.IsEnd(rest))
        {
            WriteError(Pop3Replies.SyntaxError);
            return default;
        }

        // The directory compares lower-case hex; clients may send either case. A malformed digest is a wrong one.
        var wellFormed = digest.Length == ApopDigestLength && Ascii.ToLower(digest, _apopDigest, out _) == OperationStatus.Done;

        // The name must outlive the span across the throttle's delay.
        name.CopyTo(_user);
        return CheckApopAsync(name.Length, wellFormed);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask CheckApopAsync(int nameLength, bool wellFormed)
    {
        var attempt = await AdmitAsync(ApopMethod, ThrottleAccount(_user.AsSpan(0, nameLength)));
        if (!attempt.Admitted)
        {
            WriteError(Pop3Replies.InvalidCredentials);
            return;
        }

        string? mailbox = null;
        var right = false;
        try
        {
            right = wellFormed && _directory.TryApop(_user.AsSpan(0, nameLength), _timestamp.AsSpan(0, _timestampLength), _apopDigest, out mailbox);
        }
        finally
        {
            LoginChecked(ApopMethod, attempt, right);
        }

        if (!right)
        {
            WriteError(Pop3Replies.InvalidCredentials);
            return;
        }

        await OpenMailboxAsync(mailbox!);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask OpenMailboxAsync(string mailbox)
    {
        Core.Services.IMailboxSession? session;
        try
        {
            session = await _store.TryOpenMailboxAsync(mailbox, _shutdown);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Pop3Log.OpenFailed(_logger, exception, mailbox);
            WriteError(Pop3Replies.MailboxUnavailable);
            return;
        }

        if (session is null)
        {
            // Contract 3: one session per mailbox; stay in AUTHORIZATION so the client may retry.
            Pop3Log.MailboxInUse(_logger, mailbox, _remote);
            WriteError(Pop3Replies.MailboxInUse);
            return;
        }

        _mailbox = session;
        _marks.Open(session);
        _state = Pop3State.Transaction;
        _journalUser = mailbox;
        Pop3Log.LoggedIn(_logger, mailbox, _remote);
        _output.Write(Pop3Replies.MailboxReady);
        _output.WriteNumber(_marks.LiveCount);
        _output.Write(Pop3Replies.MessagesOpen);
        _output.WriteNumber(_marks.LiveSize);
        _output.Write(Pop3Replies.OctetsClose);
    }

    private ValueTask QuitAuthorization()
    {
        // RFC 1939 6: QUIT in AUTHORIZATION closes without entering UPDATE.
        _output.Write(Pop3Replies.SigningOff);
        _mode = Pop3ReceiveMode.Closing;
        _end = SessionEnd.Quit;
        return default;
    }
}
