using StreamJepa.Core.Configuration;
using StreamJepa.Model.Configuration;

namespace StreamJepa.Configuration.Tests;

public sealed class InputSizeTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void A_wide_input_gives_a_wide_token_grid()
    {
        var options = ConfigLoader.Load(null, ["model.imageWidth=256", "model.imageHeight=192"], NoEnvironment);

        var model = options.Model!;
        Assert.Equal((16, 12, 192), (model.GridWidth, model.GridHeight, model.Tokens));
    }

    [Fact]
    public void The_square_shorthand_sets_both_sides()
    {
        var options = ConfigLoader.Load(null, ["model.imageSize=96"], NoEnvironment);

        Assert.Equal((96, 96), (options.Model!.ImageWidth, options.Model.ImageHeight));
    }

    [Fact]
    public void The_shorthand_beside_a_side_is_refused_naming_both()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["model.imageSize=96", "model.imageWidth=128"], NoEnvironment));

        Assert.Equal("model.imageSize", Assert.Single(ex.Errors).Key);
        Assert.Contains("imageWidth", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.imageWidth=100", "model.imageWidth")]     // not a whole number of 16-pixel tokens
    [InlineData("model.imageHeight=16", "model.imageHeight")]    // one row of tokens
    [InlineData("model.imageWidth=4096", "model.imageWidth")]    // beyond the largest input
    [InlineData("model.levelInputGrid=9", "model.levelInputGrid")] // more cells than the 8×8 grid has tokens a side
    [InlineData("model.levelInputGrid=0", "model.levelInputGrid")]
    public void An_input_that_makes_no_whole_grid_is_refused_at_start_up(string setting, string key)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, [setting], NoEnvironment));

        Assert.Contains(ex.Errors, e => e.Key == key);
    }

    [Fact]
    public void The_token_size_follows_the_encoder_depth()
    {
        // Three stride-2 layers make 8-pixel tokens: 120 is a whole number of them, 100 is not.
        var options = ConfigLoader.Load(null, ["model.encoderChannels=[24,48]", "model.imageWidth=120", "model.imageHeight=96"], NoEnvironment);
        Assert.Equal((15, 12), (options.Model!.GridWidth, options.Model.GridHeight));

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["model.encoderChannels=[24,48]", "model.imageWidth=100"], NoEnvironment));
        Assert.Contains("multiple of 8", Assert.Single(ex.Errors).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Frames_of_another_size_than_the_model_takes_are_refused_naming_both()
    {
        var options = ConfigLoader.Load(null, ["ingest.width=128", "ingest.height=128"], NoEnvironment);

        var ex = Assert.Throws<ConfigException>(() => options.ValidateModelInput(new HJepaConfig { ImageWidth = 256, ImageHeight = 192 }));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("ingest.width", error.Key);
        Assert.Contains("256x192", error.Problem, StringComparison.Ordinal);
    }
}
