"""Numbers that say what a GAN makes: FID, KID, precision/recall, classifier scores, health.

Every metric works offline. The published FID and Inception Score use
InceptionV3 with ImageNet weights (a download); without a network, a small
domain classifier trained once on the dataset's own real images (MNIST,
CIFAR-10, any labelled .npz) gives the features and class probabilities
instead. Each score names the extractor that made it.

One idea per module:

- `frechet`: Frechet distance (FID) between feature statistics;
- `kid`: Kernel Inception Distance, unbiased, mean and spread over subsets;
- `precision_recall`: realism and coverage from k-nearest-neighbour manifolds;
- `classifier_score`: the Inception-style score exp(E KL(p(y|x) || p(y)));
- `classifier`: the domain classifier, trained once and cached;
- `inception`: InceptionV3 features and probabilities, when its weights can be had;
- `recognition`: the share of samples confidently recognised, and as which class;
- `health`: discriminator overfitting, mode collapse, non-finite losses;
- `memorisation`: nearest training images and a copy rate;
- `evaluation`: one call for all of the above on a generator;
- `report`: a Markdown report with pictures.

Importing `kerasgan.metrics` loads nothing heavy: each name below is imported
from its module on first use, and only the classifiers load TensorFlow.

Example:

```python
from kerasgan.metrics import domain_classifier, class_recognition_score

classifier = domain_classifier("mnist")
score = class_recognition_score(classifier, generated_images)
print(f"{score['recognised_share']:.0%} recognised, {score['classes_recognised']} digits")
```
"""

import importlib

# Public name -> the module that defines it. Loaded on first use (PEP 562).
_PUBLIC_NAMES = {
    "frechet_distance": "frechet",
    "frechet_distance_from_statistics": "frechet",
    "feature_statistics": "frechet",
    "kernel_inception_distance": "kid",
    "precision_recall": "precision_recall",
    "classifier_score": "classifier_score",
    "domain_classifier": "classifier",
    "DomainClassifier": "classifier",
    "InceptionExtractor": "inception",
    "class_recognition_score": "recognition",
    "class_recognition_from_probabilities": "recognition",
    "HealthCheck": "health",
    "check_discriminator_overfitting": "health",
    "check_mode_collapse": "health",
    "check_class_coverage": "health",
    "check_losses": "health",
    "health_warnings": "health",
    "nearest_training_images": "memorisation",
    "copy_rate": "memorisation",
    "save_nearest_neighbour_grid": "memorisation",
    "load_reference_data": "reference_data",
    "evaluate_generator": "evaluation",
    "evaluate_images": "evaluation",
    "sample_generator": "evaluation",
    "write_report": "report",
}

__all__ = sorted(_PUBLIC_NAMES)


def __getattr__(name):
    if name in _PUBLIC_NAMES:
        module = importlib.import_module(f"{__name__}.{_PUBLIC_NAMES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
