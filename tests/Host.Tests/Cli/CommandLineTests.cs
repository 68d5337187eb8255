namespace StreamJepa.Host.Tests.Cli;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--duration", "abc", "expected a number")]
    [InlineData("--summary-interval", "soon", "expected a number")]
    public async Task A_value_that_does_not_parse_exits_two_and_says_what_was_expected(string option, string value, string expected)
    {
        var (exit, _, error) = await CommandRunner.RunAsync("run", "--source", "synthetic:frames=5", option, value);

        Assert.Equal(2, exit);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "--frobnicate")]
    [InlineData("frobnicate")]
    public async Task An_unknown_option_or_verb_exits_two_naming_it(params string[] args)
    {
        var (exit, _, error) = await CommandRunner.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains("frobnicate", error, StringComparison.Ordinal);
        Assert.Contains("--help", error, StringComparison.Ordinal);
    }
}
