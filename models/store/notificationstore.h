#pragma once

// (being written)
