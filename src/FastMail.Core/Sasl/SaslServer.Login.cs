using System.Security.Cryptography;

namespace FastMail.Core.Sasl;

/// <summary>draft-murchison-sasl-login: the server asks "Username:" then "Password:"; the user name may come as the initial response.</summary>
public sealed partial class SaslServer
{
    private byte[]? _loginUser;
    private int _loginUserLength;

    private SaslStep LoginUser(ReadOnlySpan<byte> user)
    {
        if (user.IsEmpty)
        {
            return Complete(SaslStatus.MalformedInput);
        }

        _loginUser ??= new byte[_decoded.Length];
        user.CopyTo(_loginUser);
        _loginUserLength = user.Length;
        _state = State.LoginPassword;
        return Continue("Password:"u8);
    }

    private async ValueTask<SaslStep> LoginPasswordAsync(ReadOnlyMemory<byte> password, CancellationToken cancellationToken)
    {
        if (password.IsEmpty)
        {
            return Complete(SaslStatus.MalformedInput);
        }

        var user = _loginUser.AsMemory(0, _loginUserLength);
        var mailbox = await _factory.Credentials.AuthenticateAsync(user, password, cancellationToken).ConfigureAwait(false);
        return mailbox is null ? Complete(SaslStatus.Failed) : Complete(SaslStatus.Succeeded, mailbox);
    }

    private void ResetLogin()
    {
        if (_loginUser is not null)
        {
            CryptographicOperations.ZeroMemory(_loginUser.AsSpan(0, _loginUserLength));
        }

        _loginUserLength = 0;
    }
}
