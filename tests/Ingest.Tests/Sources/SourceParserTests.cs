using StreamJepa.Ingest.Configuration;
using StreamJepa.Ingest.Sources;

namespace StreamJepa.Ingest.Tests.Sources;

public sealed class SourceParserTests
{
    [Theory]
    [InlineData("clips/vtest.avi", "vtest", SourceKind.File)]
    [InlineData("rtsp://10.0.0.5:554/streams/lobby", "lobby", SourceKind.Url)]
    [InlineData("https://cams.example/live/gate.m3u8", "gate", SourceKind.Url)]
    [InlineData("camera:0", "camera0", SourceKind.Camera)]
    [InlineData("folder:/data/shots/", "shots", SourceKind.ImageFolder)]
    [InlineData("synthetic:seed=4&frames=100", "synthetic", SourceKind.Synthetic)]
    public void Describe_DefaultIdAndKind(string uri, string id, SourceKind kind)
    {
        var source = SourceParser.Describe(new SourceOptions { Uri = uri }, realtimeByDefault: false);

        Assert.Equal(id, source.Id);
        Assert.Equal(kind, source.Kind);
    }

    [Fact]
    public void ParseSpec_ExplicitIdAndOptions()
    {
        var options = SourceParser.ParseSpec("gate-2=rtsp://cam/x#realtime=true&fps=12.5");

        Assert.Equal("gate-2", options.Id);
        Assert.Equal("rtsp://cam/x", options.Uri);
        Assert.True(options.Realtime);
        Assert.Equal(12.5, options.Fps);
    }

    [Theory]
    [InlineData("lobby=clips/lobby.avi#loop=true", true)]
    [InlineData("rtsp://cam/x#loop=true", false)]          // a live stream has no start to go back to
    [InlineData("clips/lobby.avi", false)]
    public void Loop_applies_to_what_can_be_read_again(string spec, bool loops) =>
        Assert.Equal(loops, SourceParser.Describe(SourceParser.ParseSpec(spec), realtimeByDefault: false).Loop);

    [Fact]
    public void ParseSpec_RefusesALoopThatIsNotABoolean()
    {
        var error = Assert.Throws<SourceException>(() => SourceParser.ParseSpec("a.avi#loop=often"));

        Assert.Contains("loop=often: expected true or false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseSpec_SyntheticParametersAreNotMistakenForAnId()
    {
        var options = SourceParser.ParseSpec("synthetic:seed=3&frames=50");

        Assert.Null(options.Id);
        Assert.Equal("synthetic:seed=3&frames=50", options.Uri);
    }

    [Fact]
    public void ParseSpec_UnknownOption_NamesIt()
    {
        var ex = Assert.Throws<SourceException>(() => SourceParser.ParseSpec("a.avi#speed=2"));

        Assert.Contains("speed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_UnsupportedScheme_NamesSourceAndScheme()
    {
        var ex = Assert.Throws<SourceException>(() =>
            SourceParser.Describe(new SourceOptions { Id = "old", Uri = "ftp://host/cam.mp4" }, false));

        Assert.Equal("old", ex.StreamId);
        Assert.Contains("unsupported URL scheme 'ftp'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_BadSyntheticOption_NamesIt()
    {
        var ex = Assert.Throws<SourceException>(() =>
            SourceParser.Describe(new SourceOptions { Uri = "synthetic:frames=-3" }, false));

        Assert.Contains("frames=-3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_LiveSourcesAlwaysDropWhenBehind_FilesOnlyInRealtime()
    {
        Assert.True(SourceParser.Describe(new SourceOptions { Uri = "rtsp://c/1" }, false).DropsWhenBehind);
        Assert.False(SourceParser.Describe(new SourceOptions { Uri = "a.avi" }, false).DropsWhenBehind);
        Assert.True(SourceParser.Describe(new SourceOptions { Uri = "a.avi", Realtime = true }, false).DropsWhenBehind);
        Assert.True(SourceParser.Describe(new SourceOptions { Uri = "a.avi" }, realtimeByDefault: true).DropsWhenBehind);
    }
}
