"""Inputs that are images (issue 14): the sample's picture, each first-layer neuron's weights as an image."""
