using FastMail.Accounts;

namespace FastMail.Tests.Accounts;

public sealed class PasswordHasherTests
{
    [Fact]
    public void HashThenVerifyWithTheSamePasswordSucceeds()
    {
        var hash = PasswordHasher.Hash("correct horse", 1000);

        Assert.True(PasswordHasher.Verify("correct horse", hash));
    }

    [Fact]
    public void VerifyWithAWrongPasswordFails()
    {
        var hash = PasswordHasher.Hash("correct horse", 1000);

        Assert.False(PasswordHasher.Verify("correct horsf", hash));
        Assert.False(PasswordHasher.Verify("", hash));
    }

    [Fact]
    public void HashHasThePbkdf2Sha256FormatWithIterationsSaltAndKey()
    {
        var hash = PasswordHasher.Hash("pw", 1234);

        var parts = hash.Split('$');
        Assert.Equal(["", "pbkdf2-sha256", "i=1234"], parts[..3]);
        Assert.Equal(16, Convert.FromBase64String(parts[3]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[4]).Length);
    }

    [Fact]
    public void TheSamePasswordHashesDifferentlyEachTimeBecauseOfTheSalt()
    {
        var first = PasswordHasher.Hash("same", 1000);
        var second = PasswordHasher.Hash("same", 1000);

        Assert.NotEqual(first, second);
        Assert.True(PasswordHasher.Verify("same", first));
        Assert.True(PasswordHasher.Verify("same", second));
    }

    [Fact]
    public void DefaultIterationCountIsTheOwasp2023Value()
    {
        Assert.Equal(600_000, PasswordHasher.DefaultIterations);
        Assert.Equal(600_000, new AccountsOptions().Pbkdf2Iterations);
    }

    [Fact]
    public void VerifyUsesTheIterationCountStoredInTheHash()
    {
        var hash = PasswordHasher.Hash("pw", 1000);
        var tampered = hash.Replace("i=1000", "i=1001", StringComparison.Ordinal);

        Assert.True(PasswordHasher.Verify("pw", hash));
        Assert.False(PasswordHasher.Verify("pw", tampered));
    }

    [Fact]
    public void VerifyAgainstATamperedKeyFails()
    {
        var hash = PasswordHasher.Hash("pw", 1000);
        var key = Convert.FromBase64String(hash.Split('$')[4]);
        key[0] ^= 1;
        var tampered = string.Join('$', hash.Split('$')[..4]) + "$" + Convert.ToBase64String(key);

        Assert.False(PasswordHasher.Verify("pw", tampered));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("$pbkdf2-sha256$i=1000$")]
    [InlineData("$pbkdf2-sha256$i=$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5")]
    [InlineData("$pbkdf2-sha256$i=0$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5")]
    [InlineData("$pbkdf2-sha256$i=-5$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5")]
    [InlineData("$pbkdf2-sha256$i=999999999$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5")]
    [InlineData("$pbkdf2-sha256$i=1000$not base64!$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5")]
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0c2FsdA==$c2hvcnQ=")]
    [InlineData("$pbkdf2-sha1$i=1000$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5")]
    public void MalformedHashesNeverVerifyAndAreNotWellFormed(string hash)
    {
        Assert.False(PasswordHasher.Verify("pw", hash));
        Assert.False(PasswordHasher.IsWellFormed(hash));
    }

    [Fact]
    public void ByteAndStringPasswordsHashTheSameUtf8()
    {
        var hash = PasswordHasher.Hash("pässwörd", 1000);

        Assert.True(PasswordHasher.Verify("pässwörd"u8, hash));
        Assert.False(PasswordHasher.Verify("passwort"u8, hash));
    }

    [Fact]
    public void DummyHashIsWellFormedAndMatchesNothing()
    {
        var dummy = PasswordHasher.CreateDummy(1000);

        Assert.True(PasswordHasher.IsWellFormed(dummy));
        Assert.Contains("$i=1000$", dummy, StringComparison.Ordinal);
        Assert.False(PasswordHasher.Verify("", dummy));
    }
}
