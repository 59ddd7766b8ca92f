using FastMail.Accounts;

namespace FastMail.Tests.Accounts;

public sealed class AccountNamesTests
{
    [Theory]
    [InlineData("motriles", "motriles")]
    [InlineData("MoTriles", "motriles")]
    [InlineData("john.smith", "john.smith")]
    [InlineData("a_b-c.9", "a_b-c.9")]
    [InlineData("x", "x")]
    public void ValidUserNamesAreLowerCased(string input, string expected)
    {
        Assert.True(AccountNames.TryNormalizeUser(input, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bob smith")]
    [InlineData("bob@example.com")]
    [InlineData(".bob")]
    [InlineData("bob.")]
    [InlineData("bo..b")]
    [InlineData("bob+tag")]
    [InlineData("bøb")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65
    public void InvalidUserNamesAreRefused(string input)
    {
        Assert.False(AccountNames.TryNormalizeUser(input, out _));
    }

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("Alice@Example.ORG", "alice@example.org")]
    [InlineData("alice@example.org.", "alice@example.org")]
    public void AnAccountNameIsAUserNameOrAPerDomainUserName(string input, string expected)
    {
        Assert.True(AccountNames.TryNormalizeAccountName(input, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice@")]
    [InlineData("@example.org")]
    [InlineData("a@b@example.org")]
    [InlineData("bob+tag@example.org")]
    [InlineData("alice@exa mple.org")]
    [InlineData("alice.")]
    public void InvalidAccountNamesAreRefused(string input)
    {
        Assert.False(AccountNames.TryNormalizeAccountName(input, out _));
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("alice@example.org", true)]
    [InlineData("O'Brien+tag@remote.test", true)]
    [InlineData("a b@remote.test", false)]
    [InlineData(".a@remote.test", false)]
    [InlineData("a@remote", true)]
    [InlineData("a@", false)]
    [InlineData("Alice", false)]
    public void AliasTargetsAreUserNamesOrAddresses(string target, bool valid)
    {
        Assert.Equal(valid, AccountNames.IsValidAliasTarget(target, domainIsLocal: false));
    }

    [Fact]
    public void AUserNameOfSixtyFourCharactersIsTheLongestAllowed()
    {
        Assert.True(AccountNames.TryNormalizeUser(new string('a', 64), out _));
        Assert.False(AccountNames.TryNormalizeUser(new string('a', 65), out _));
    }

    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("Mail.Example.COM", "mail.example.com")]
    [InlineData("example.com.", "example.com")]
    [InlineData("localhost", "localhost")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("a-b.c1.d", "a-b.c1.d")]
    public void ValidDomainsAreLowerCasedWithoutTheRootDot(string input, string expected)
    {
        Assert.True(AccountNames.TryNormalizeDomain(input, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("example..com")]
    [InlineData(".example.com")]
    [InlineData("-example.com")]
    [InlineData("example-.com")]
    [InlineData("exa mple.com")]
    [InlineData("exa_mple.com")]
    [InlineData("bücher.example")]
    [InlineData("[127.0.0.1]")]
    public void InvalidDomainsAreRefused(string input)
    {
        Assert.False(AccountNames.TryNormalizeDomain(input, out _));
    }

    [Fact]
    public void DomainLabelsAreAtMostSixtyThreeAndDomainsAtMost253Characters()
    {
        Assert.True(AccountNames.TryNormalizeDomain(new string('a', 63) + ".com", out _));
        Assert.False(AccountNames.TryNormalizeDomain(new string('a', 64) + ".com", out _));

        var label = new string('a', 62);
        var longest = string.Join('.', label, label, label, label) + ".a"; // 4*62 + 3 dots + 2 = 253
        Assert.Equal(253, longest.Length);
        Assert.True(AccountNames.TryNormalizeDomain(longest, out _));
        Assert.False(AccountNames.TryNormalizeDomain(longest + "b", out _));
    }
}
