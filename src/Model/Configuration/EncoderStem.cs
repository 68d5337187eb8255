namespace StreamJepa.Model.Configuration;

/// <summary>What the level-1 encoder starts with (<c>model.stem</c>).</summary>
public enum EncoderStem
{
    /// <summary>Only the encoder's own stride-2 convolutions, trained with the rest.</summary>
    Learned,

    /// <summary>ImageNet ResNet18's conv1 and layer1, frozen (stride 4, 64 channels), then the encoder's convolutions.</summary>
    ResNet18,
}
