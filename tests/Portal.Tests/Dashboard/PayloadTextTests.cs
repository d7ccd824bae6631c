using System.Text;
using Portal.Dashboard;

namespace Portal.Tests.Dashboard;

public sealed class PayloadTextTests
{
    [Fact]
    public void Sentrys_escapes_become_characters_and_the_json_is_indented()
    {
        var text = PayloadText.Pretty(Encoding.ASCII.GetBytes("{\"actor\":{\"name\":\"Jos\\u00e9 \\ud83d\\ude00\"}}"));

        Assert.Equal("{\n  \"actor\": {\n    \"name\": \"José 😀\"\n  }\n}", text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_grant_code_of_an_installation_is_redacted_and_nothing_else_is()
    {
        var text = PayloadText.Pretty(Encoding.ASCII.GetBytes(
            "{\"data\":{\"installation\":{\"uuid\":\"u\",\"code\":\"f3c71b49\"},\"issue\":{\"code\":\"kept\"}}}"));

        Assert.Contains("\"code\": \"[redacted]\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("f3c71b49", text, StringComparison.Ordinal);
        Assert.Contains("\"code\": \"kept\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_that_is_not_json_but_may_hold_a_code_is_not_shown()
    {
        var text = PayloadText.Pretty(Encoding.ASCII.GetBytes("{\"code\":\"f3c71b49\",,"));

        Assert.DoesNotContain("f3c71b49", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_body_is_capped_and_says_how_much_is_left_out()
    {
        var text = PayloadText.Pretty(Encoding.ASCII.GetBytes($"{{\"v\":\"{new string('a', 400_000)}\"}}"));

        Assert.True(text.Length < PayloadText.MaxLength + 100);
        Assert.EndsWith("more characters not shown)", text, StringComparison.Ordinal);
    }
}
