using System.Text;
using FastMail.Core.Mail;

namespace FastMail.Tests.Mail;

public sealed class RcptParametersTests
{
    [Theory]
    [InlineData("", "Ok", "None")]
    [InlineData("NOTIFY=NEVER", "Ok", "None")]
    [InlineData("notify=never", "Ok", "None")]
    [InlineData("NOTIFY=SUCCESS", "Ok", "None")]
    [InlineData("NOTIFY=FAILURE", "Ok", "None")]
    [InlineData("NOTIFY=DELAY", "Ok", "None")]
    [InlineData("NOTIFY=SUCCESS,FAILURE", "Ok", "None")]
    [InlineData("NOTIFY=delay,Success,FAILURE", "Ok", "None")]
    [InlineData("ORCPT=rfc822;bob@example.com", "Ok", "None")]
    [InlineData("ORCPT=RFC822;b+2Bob@example.com", "Ok", "None")]
    [InlineData("ORCPT=x-local;anything", "Ok", "None")]
    [InlineData("NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.com", "Ok", "None")]
    [InlineData("ORCPT=rfc822;bob@example.com\tNOTIFY=NEVER", "Ok", "None")]
    [InlineData("NOTIFY=", "Syntax", "Notify")]
    [InlineData("NOTIFY", "Syntax", "Notify")]
    [InlineData("NOTIFY=ALWAYS", "Syntax", "Notify")]
    [InlineData("NOTIFY=NEVER,SUCCESS", "Syntax", "Notify")]
    [InlineData("NOTIFY=FAILURE,NEVER", "Syntax", "Notify")]
    [InlineData("NOTIFY=NEVER,NEVER", "Syntax", "Notify")]
    [InlineData("NOTIFY=SUCCESS,SUCCESS", "Syntax", "Notify")]
    [InlineData("NOTIFY=SUCCESS,", "Syntax", "Notify")]
    [InlineData("NOTIFY=,SUCCESS", "Syntax", "Notify")]
    [InlineData("NOTIFY=SUCCESS,,DELAY", "Syntax", "Notify")]
    [InlineData("ORCPT=", "Syntax", "Orcpt")]
    [InlineData("ORCPT", "Syntax", "Orcpt")]
    [InlineData("ORCPT=bob@example.com", "Syntax", "Orcpt")]
    [InlineData("ORCPT=;bob@example.com", "Syntax", "Orcpt")]
    [InlineData("ORCPT=rfc822;", "Syntax", "Orcpt")]
    [InlineData("ORCPT=rfc822;a=b", "Syntax", "Orcpt")]
    [InlineData("ORCPT=rfc822;a+2b", "Syntax", "Orcpt")]
    [InlineData("ORCPT=rfc(822);a", "Syntax", "Orcpt")]
    [InlineData("ORCPT=rfc822;a;b", "Ok", "None")]
    [InlineData("NOTIFY=NEVER NOTIFY=NEVER", "Syntax", "Duplicate")]
    [InlineData("NOTIFY=NEVER notify=SUCCESS", "Syntax", "Duplicate")]
    [InlineData("ORCPT=rfc822;a ORCPT=rfc822;b", "Syntax", "Duplicate")]
    [InlineData("XFOO=1", "Unsupported", "None")]
    [InlineData("SIZE=10", "Unsupported", "None")]
    [InlineData("NOTIFY=NEVER XFOO", "Unsupported", "None")]
    public void RcptParametersFollowRfc3461(string parameters, string status, string error)
    {
        Assert.Equal(Enum.Parse<ParameterStatus>(status), RcptParameters.Check(Encoding.ASCII.GetBytes(parameters), out var actual));
        Assert.Equal(Enum.Parse<ParameterError>(error), actual);
    }

    [Fact]
    public void AnOriginalRecipientLongerThanTheBoundIsRefused()
    {
        var fits = "rfc822;" + new string('a', RcptParameters.MaxOrcptLength - 7);
        Assert.Equal(ParameterStatus.Ok, RcptParameters.Check(Encoding.ASCII.GetBytes("ORCPT=" + fits), out _));
        Assert.Equal(ParameterStatus.Syntax, RcptParameters.Check(Encoding.ASCII.GetBytes("ORCPT=" + fits + "a"), out var error));
        Assert.Equal(ParameterError.Orcpt, error);
    }
}
