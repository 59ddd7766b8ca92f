using FastMail.Relay.Routing;

namespace FastMail.Tests.Relay.Routing;

public sealed class TlsRequirementTests
{
    [Theory]
    [InlineData("bank.example", true)]
    [InlineData("BANK.example", true)]
    [InlineData("mail.partner.example", true)]
    [InlineData("partner.example", false)]
    [InlineData("other.example", false)]
    public void ExactDomainsAndDotSuffixesRequireTls(string domain, bool required) =>
        Assert.Equal(required, TlsRequirement.Parse("bank.example, .partner.example").AppliesTo(domain));

    [Theory]
    [InlineData("bank example")]
    [InlineData(".")]
    [InlineData("bank.example,[127.0.0.1]")]
    public void AnEntryThatIsNoDomainIsRefusedByName(string text)
    {
        var error = Assert.Throws<FormatException>(() => TlsRequirement.Parse(text));
        Assert.Contains("is not a domain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingIsRequiredByDefault() => Assert.False(TlsRequirement.Parse("").AppliesTo("bank.example"));
}
