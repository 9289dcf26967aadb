//! The local stack: bootstrap of the template's resources into an AWS
//! emulator, the emulator itself, and the dev server's app.

pub mod bootstrap;
pub mod emulator;
pub mod local;
pub mod openapi;
pub mod postman;
