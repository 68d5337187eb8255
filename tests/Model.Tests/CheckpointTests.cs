using static TorchSharp.torch;

namespace StreamJepa.Model.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-ckpt").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveLoad_RoundTripsWeightsAndHeader()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new HJepa(TinyConfig.Value);
        var tail = new SurpriseTail(3.5, 1.2, 0.1, 0.1, 900);
        var header = new CheckpointHeader(TinyConfig.Value, 7, 1234, DateTimeOffset.UnixEpoch, [new EnergyStats(1, 0.5, 0.1, 900), new EnergyStats(2, 0.4, 0.1, 900) { Tail = tail }]);

        Checkpoint.Save(path, model, header);
        var (loaded, read) = Checkpoint.Load(path, TinyConfig.Value);

        using (loaded)
        using (var scope = NewDisposeScope())
        using (inference_mode())
        {
            model.eval();
            loaded.eval();
            var frames = randn(2, 3, 32, 32);
            var diff = (model.Encoder.forward(frames).Tokens - loaded.Encoder.forward(frames).Tokens).abs().max().item<float>();
            Assert.True(diff == 0, $"max difference {diff}");
        }

        Assert.Equal(7, read.ModelVersion);
        Assert.Equal(1234, read.Step);
        Assert.Equal(0.5, read.EnergyStats[0].Median);
        Assert.Null(read.EnergyStats[0].Tail);
        Assert.Equal(tail, read.EnergyStats[1].Tail);
        Assert.Equal([1, 3], read.Config.Horizons);
        Assert.Equal(2, read.Config.Levels.Count);
    }

    [Fact]
    public void Load_HeaderWrittenBeforeGlobalPhotometry_ReadsAsAModelWithoutIt()
    {
        var path = Path.Combine(_dir, "old.ckpt");
        var config = TinyConfig.Value with { GlobalPhotometry = false };
        using var model = new HJepa(config);
        Checkpoint.Save(path, model, new CheckpointHeader(config, 1, 0, DateTimeOffset.UnixEpoch, []));
        WithoutHeaderKey(path, "globalPhotometry");

        var (loaded, header) = Checkpoint.Load(path);

        using (loaded)
        {
            Assert.False(header.Config.GlobalPhotometry);
            Assert.DoesNotContain(loaded.named_parameters(), p => p.name.Contains("photometry", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Load_HeaderWrittenBeforePhotometryInContext_ReadsAsAModelWhosePredictorSawIt()
    {
        var path = Path.Combine(_dir, "lit.ckpt");
        var config = TinyConfig.Value with { GlobalPhotometry = true, PhotometryInContext = false };
        using var model = new HJepa(config);
        Checkpoint.Save(path, model, new CheckpointHeader(config, 1, 0, DateTimeOffset.UnixEpoch, []));
        Assert.False(Checkpoint.ReadHeader(path).Config.PhotometryInContext);
        WithoutHeaderKey(path, "photometryInContext");

        var header = Checkpoint.ReadHeader(path);

        Assert.True(header.Config.GlobalPhotometry);
        Assert.True(header.Config.PhotometryInContext);
    }

    [Fact]
    public void Load_OtherArchitecture_RefusedNamingTheKeys()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new HJepa(TinyConfig.Value);
        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []));

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, TinyConfig.Value with { Dim = 32 }));

        Assert.Contains("model.dim is 16 in the checkpoint, 32 here", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HeaderWrittenBeforeCentredTokens_ReadsAsEvenPadding()
    {
        var path = Path.Combine(_dir, "even.ckpt");
        using var model = new HJepa(TinyConfig.Value);
        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []));
        Assert.True(Checkpoint.ReadHeader(path).Config.CentredTokens);
        WithoutHeaderKey(path, "centredTokens");

        var (loaded, header) = Checkpoint.Load(path);

        using (loaded)
        {
            Assert.False(header.Config.CentredTokens);
        }
    }

    [Fact]
    public void Load_HeaderWrittenBeforeMaskedPrediction_ReadsAsAModelWithoutIt()
    {
        var path = Path.Combine(_dir, "unmasked.ckpt");
        var config = TinyConfig.Value with { MaskedBlock = 0 };
        using var model = new HJepa(config);
        Checkpoint.Save(path, model, new CheckpointHeader(config, 1, 0, DateTimeOffset.UnixEpoch, []));
        WithoutHeaderKey(path, "maskedBlock");

        var (loaded, header) = Checkpoint.Load(path);

        using (loaded)
        {
            Assert.Equal(0, header.Config.MaskedBlock);
            Assert.Null(loaded.Masked);
        }
    }

    [Fact]
    public void Load_WeightsWithTheMaskedPredictorsFirstRingMaskBuffer_LoadTheSameModel()
    {
        var path = Path.Combine(_dir, "ring.ckpt");
        var config = TinyConfig.Value with { MaskedBlock = 3 };
        using var model = new HJepa(config);
        model.Masked!.register_buffer("_ringMask", ones(1, 1, 5, 5));      // as the first version saved it
        Checkpoint.Save(path, model, new CheckpointHeader(config, 1, 0, DateTimeOffset.UnixEpoch, []));

        var (loaded, _) = Checkpoint.Load(path);

        using (loaded)
        using (var scope = NewDisposeScope())
        using (inference_mode())
        {
            model.eval();
            loaded.eval();
            var context = randn(1, config.ContextFrames * config.Dim, config.GridHeight, config.GridWidth);
            Assert.Equal(0, (model.Masked.forward(context) - loaded.Masked!.forward(context)).abs().max().item<float>());
        }
    }

    [Fact]
    public void Load_WeightsWithAnEntryTheModelDoesNotHave_RefusedNamingIt()
    {
        var path = Path.Combine(_dir, "stray.ckpt");
        using var model = new HJepa(TinyConfig.Value);
        model.Encoder.register_buffer("stray", ones(3));
        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []));

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("encoder.stray", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HeaderWrittenWithASquareImageSize_ReadsAsBothSides()
    {
        var path = Path.Combine(_dir, "square.ckpt");
        using var model = new HJepa(TinyConfig.Value);
        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []));
        EditHeaderConfig(path, config =>
        {
            config.Remove("imageWidth");
            config.Remove("imageHeight");
            config["imageSize"] = 32;
        });

        var (loaded, header) = Checkpoint.Load(path, TinyConfig.Value);

        using (loaded)
        {
            Assert.Equal((32, 32), (header.Config.ImageWidth, header.Config.ImageHeight));
        }
    }

    [Fact]
    public void Load_ModelForAnotherInputSize_RefusedNamingTheFileAndTheSide()
    {
        var path = Path.Combine(_dir, "wide.ckpt");
        var wide = TinyConfig.Value with { ImageWidth = 48 };
        using var model = new HJepa(wide);
        Checkpoint.Save(path, model, new CheckpointHeader(wide, 1, 0, DateTimeOffset.UnixEpoch, []));

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, TinyConfig.Value));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("model.imageWidth is 48 in the checkpoint, 32 here", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedFile_SaysItIsDamaged()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new HJepa(TinyConfig.Value);
        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BytesChangedInTheWeights_RefusedBeforeLoading()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new HJepa(TinyConfig.Value);
        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []));
        var bytes = File.ReadAllBytes(path);
        for (var i = 0; i < 200; i++)
        {
            bytes[(bytes.Length / 2) + (i * 7)] ^= 0x5a;            // weights, well past the header
        }

        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(-5)]
    [InlineData(0)]
    public void Load_ImpossibleHeaderLength_SaysTheFileIsDamaged(int length)
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new HJepa(TinyConfig.Value);
        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []));
        var bytes = File.ReadAllBytes(path);
        BitConverter.GetBytes(length).CopyTo(bytes, 8 + 4);
        File.WriteAllBytes(path, bytes);

        var load = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        var header = Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader(path));

        Assert.Contains($"claims {length} bytes", load.Message, StringComparison.Ordinal);
        Assert.Contains(path, header.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FormatWithoutChecksum_StillLoads()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new HJepa(TinyConfig.Value);
        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []));
        var bytes = File.ReadAllBytes(path);
        BitConverter.GetBytes(2).CopyTo(bytes, 8);                   // format 2: no checksum trailer
        File.WriteAllBytes(path, bytes[..^32]);

        var (loaded, header) = Checkpoint.Load(path);

        using (loaded)
        {
            Assert.Equal(2, header.FormatVersion);
        }
    }

    [Fact]
    public void Load_NotACheckpoint_SaysSo()
    {
        var path = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(path, "hello");

        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));

        Assert.Contains("not a StreamJepa checkpoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_KeepsThePreviousOnes_UpToK()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new HJepa(TinyConfig.Value);

        for (var version = 1; version <= 5; version++)
        {
            Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, version, 0, DateTimeOffset.UnixEpoch, []), keep: 3);
        }

        Assert.Equal(["model.ckpt", "model.ckpt.1", "model.ckpt.2"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
        Assert.Equal([5L, 4L, 3L], new[] { path, path + ".1", path + ".2" }.Select(p => Checkpoint.ReadHeader(p).ModelVersion));
    }

    [Fact]
    public void TrainingState_RoundTripsWhenAsked_IgnoredOtherwise()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new HJepa(TinyConfig.Value);
        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []), w => w.Write("optimiser"));

        string? state = null;
        var (withState, _) = Checkpoint.Load(path, trainingState: r => state = r.ReadString());
        var (without, _) = Checkpoint.Load(path);
        withState.Dispose();
        without.Dispose();

        Assert.Equal("optimiser", state);
    }

    [Fact]
    public void Save_RemovesTheTemporaryFileOfAWriterThatDied_NotOfOneThatRuns()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        var dead = Path.Combine(_dir, ".model.ckpt.999999999.tmp");     // above any PID Linux hands out
        var live = Path.Combine(_dir, ".model.ckpt.1.tmp");             // PID 1 always runs
        File.WriteAllBytes(dead, new byte[1024]);
        File.WriteAllBytes(live, new byte[1024]);
        using var model = new HJepa(TinyConfig.Value);

        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []));

        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
    }

    [Fact]
    public void Save_LeavesNoTemporaryFileBehind()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new HJepa(TinyConfig.Value);

        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 1, 0, DateTimeOffset.UnixEpoch, []));
        Checkpoint.Save(path, model, new CheckpointHeader(TinyConfig.Value, 2, 0, DateTimeOffset.UnixEpoch, []));

        Assert.Equal(["model.ckpt"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal(2, Checkpoint.ReadHeader(path).ModelVersion);
    }

    /// <summary>Rewrites a checkpoint as an older build wrote it: its header's config without <paramref name="key"/>.</summary>
    private static void WithoutHeaderKey(string path, string key) =>
        EditHeaderConfig(path, config => Assert.True(config.Remove(key)));

    /// <summary>Rewrites a checkpoint's header config as a build of format 2 would have written the file (no checksum).</summary>
    private static void EditHeaderConfig(string path, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var bytes = File.ReadAllBytes(path);
        const int lengthAt = 8 + 4;                                  // magic, format version
        var length = BitConverter.ToInt32(bytes, lengthAt);
        var json = System.Text.Json.Nodes.JsonNode.Parse(bytes.AsSpan(lengthAt + 4, length))!;
        edit(json["config"]!.AsObject());
        var header = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        BitConverter.GetBytes(2).CopyTo(bytes, 8);                   // format 2, as builds before the checksum wrote
        File.WriteAllBytes(path, [.. bytes[..lengthAt], .. BitConverter.GetBytes(header.Length), .. header, .. bytes[(lengthAt + 4 + length)..^32]]);
    }
}
