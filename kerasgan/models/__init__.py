"""The GAN models: builders for each network, then a `keras.Model` that trains them."""
